// KubeVirt's own control plane, built from kubevirt.io/kubevirt (apps/cluster-sim/kubevirt):
// `kubevirt-install` does what virt-operator does for a KubeVirt CR, then virt-api and
// virt-controller run as processes on 127.0.0.1, each with its own service account's token, as
// their Deployments would. virt-handler's part is the simulator's node side (src/virt-handler).
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { waitAvailable } from '../aggregated-api/api-service.ts'
import type { KubeClient } from '../cluster/kube-client.ts'
import { writeKubeconfig } from '../kubeconfig.ts'
import { freePort } from '../cluster/free-port.ts'
import { startProcess, type ManagedProcess } from '../cluster/managed-process.ts'
import { requestToken } from '../cluster/service-account-token.ts'
import { kubevirtBinary } from './kubevirt-binaries.ts'

const run = promisify(execFile)
export const KUBEVIRT_NAMESPACE = 'kubevirt'
const SUBRESOURCE_API_SERVICES = [
  'v1.subresources.kubevirt.io',
  'v1alpha3.subresources.kubevirt.io',
]

export interface KubevirtComponentsOptions {
  /** A cluster-admin client (the simulator's) and its token. */
  client: KubeClient
  token: string
  server: string
  ca: string
  stateDir: string
}

export interface KubevirtComponents {
  /** The KubeVirt release, e.g. v1.8.2. */
  version: string
  /** Where kubevirt-install wrote the certificates (`<secret>/tls.crt`, `kubevirt-ca/ca-bundle`). */
  certsDir: string
  /** The port virt-api dials virt-handler's console server at (`--console-server-port`). */
  handlerPort: number
  /** A token of virt-handler's service account, for the node side. */
  handlerToken: string
  /**
   * virt-api's and virt-controller's own `/metrics` (HTTPS with KubeVirt's certificates, no
   * authentication; KubeVirt's ServiceMonitor scrapes them with insecureSkipVerify).
   */
  metricsUrls: { virtApi: string; virtController: string }
  processes: ManagedProcess[]
  stop(): Promise<void>
}

export async function startKubevirtComponents(
  options: KubevirtComponentsOptions,
): Promise<KubevirtComponents> {
  const dir = join(options.stateDir, 'kubevirt')
  const certsDir = join(dir, 'certs')
  mkdirSync(certsDir, { recursive: true })
  // Fixed ports where a static scrape configuration names them (docker-compose's Prometheus).
  const portFrom = async (variable: string) => Number(process.env[variable] || 0) || freePort()
  const [apiPort, controllerPort, handlerPort] = [
    await portFrom('VMDECK_VIRT_API_PORT'),
    await portFrom('VMDECK_VIRT_CONTROLLER_PORT'),
    await freePort(),
  ]

  const kubeconfig = (name: string, token: string) => {
    const path = join(dir, `${name}.kubeconfig`)
    writeKubeconfig(path, {
      server: options.server,
      ca: options.ca,
      users: [{ name, token }],
      current: name,
    })
    return path
  }
  const admin = kubeconfig('admin', options.token)
  const install = (...extra: string[]) =>
    run(
      kubevirtBinary('kubevirt-install'),
      ['-kubeconfig', admin, '-certs', certsDir, '-virt-api-port', String(apiPort), ...extra],
      { timeout: 180_000 },
    ).catch((error: Error & { stderr?: string }) => {
      throw new Error(`kubevirt-install failed: ${error.stderr?.trim() || error.message}`)
    })
  // It prints the KubeVirt release it was built from, as virt-operator knows its own.
  const { stdout } = await install()
  const version = /^kubevirt (\S+)$/m.exec(stdout)?.[1] ?? 'devel'

  const tokenOf = (account: string) => requestToken(options.client, KUBEVIRT_NAMESPACE, account)
  const cert = (secret: string) => ({
    crt: join(certsDir, secret, 'tls.crt'),
    key: join(certsDir, secret, 'tls.key'),
  })
  const apiCert = cert('kubevirt-virt-api-certs')
  const handlerClientCert = cert('kubevirt-virt-handler-certs')
  const controllerCert = cert('kubevirt-controller-certs')
  const processes: ManagedProcess[] = []
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()))
  }
  try {
    processes.push(
      startProcess('virt-api', kubevirtBinary('virt-api'), {
        logFile: join(dir, 'virt-api.log'),
        args: [
          '--kubeconfig',
          kubeconfig('virt-api', await tokenOf('kubevirt-apiserver')),
          '--listen',
          '127.0.0.1',
          '--port',
          String(apiPort),
          '--console-server-port',
          String(handlerPort),
          '--tls-cert-file',
          apiCert.crt,
          '--tls-key-file',
          apiCert.key,
          '--handler-cert-file',
          handlerClientCert.crt,
          '--handler-key-file',
          handlerClientCert.key,
        ],
      }),
      startProcess('virt-controller', kubevirtBinary('virt-controller'), {
        logFile: join(dir, 'virt-controller.log'),
        args: [
          '--kubeconfig',
          kubeconfig('virt-controller', await tokenOf('kubevirt-controller')),
          '--listen',
          '127.0.0.1',
          '--port',
          String(controllerPort),
          '--launcher-image',
          `quay.io/kubevirt/virt-launcher:${version}`,
          '--prom-cert-file',
          controllerCert.crt,
          '--prom-key-file',
          controllerCert.key,
        ],
      }),
    )
    // kube-apiserver's availability controller reaches virt-api's discovery: virt-api serves.
    await Promise.race([
      waitAvailable(options.client, SUBRESOURCE_API_SERVICES, 120_000),
      ...processes.map((p) => p.exited.then((code) => Promise.reject(p.crashed(code)))),
    ])
    await install('-components-ready')
    return {
      version,
      certsDir,
      handlerPort,
      handlerToken: await tokenOf('kubevirt-handler'),
      metricsUrls: {
        virtApi: `https://127.0.0.1:${apiPort}/metrics`,
        virtController: `https://127.0.0.1:${controllerPort}/metrics`,
      },
      processes,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
