// Starts the simulator and the BFF (serving the built SPA) as child processes; used by the demo
// and by the end-to-end tests.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { ensureGoBuilds } from './lib/go-builds.mjs'
import { startIdp } from './lib/idp.mjs'
import { startPrometheus } from './lib/prometheus.mjs'
import { start, waitForLine } from './lib/processes.mjs'

export async function startStack({
  root,
  stateDir,
  simPort,
  bffPort,
  prometheusPort,
  quiet = false,
  demo = true,
  idpPort,
}) {
  const node = process.execPath
  const kubeconfig = join(stateDir, 'kubeconfig')
  // Whoever starts a stack (the demo, the end-to-end and tour set-ups) gets the control plane and
  // CRDs built when missing; the simulator inherits VMDECK_CONTROLPLANE_BIN and VMDECK_CRD_DIR.
  await ensureGoBuilds({ root })
  // Optional: single sign-on with the demo's OpenID provider, which kube-apiserver then trusts.
  const idp = idpPort
    ? await startIdp({
        root,
        stateDir,
        port: idpPort,
        publicOrigin: `http://127.0.0.1:${bffPort}`,
        quiet,
      })
    : undefined
  const sim = start(
    'sim',
    node,
    [
      join(root, 'apps/cluster-sim/src/main.ts'),
      '--kubeconfig',
      kubeconfig,
      '--port',
      String(simPort),
      '--state-dir',
      join(stateDir, 'sim'),
      '--metrics-port',
      '0',
    ],
    {
      cwd: root,
      quiet,
      logFile: join(stateDir, 'sim.log'),
      env: {
        ...process.env,
        ...(idp ? { VMDECK_AUTHENTICATION_CONFIG: idp.authenticationConfig } : {}),
      },
    },
  )
  // Printed after "Kubernetes API at …", once the cluster is ready.
  // KubeVirt's own components and the seeded fleet settling take a while on a busy machine.
  const [, metricsUrl, virtApiMetrics, virtControllerMetrics] = await waitForLine(
    sim,
    /cluster-sim: metrics at (\S+)(?: \(KubeVirt: (\S+) (\S+)\))?/,
    180_000,
  )
  // Optional: a real Prometheus scraping the simulator's and the BFF's /metrics (issue 8).
  const prometheus = prometheusPort
    ? await startPrometheus({
        port: prometheusPort,
        dir: join(stateDir, 'prometheus'),
        quiet,
        targets: [
          { job: 'kubevirt', url: metricsUrl },
          // KubeVirt's own components, scraped as KubeVirt's ServiceMonitor does (TLS, no verify).
          ...(virtApiMetrics
            ? [
                { job: 'virt-api', url: virtApiMetrics, insecureSkipVerify: true },
                { job: 'virt-controller', url: virtControllerMetrics, insecureSkipVerify: true },
              ]
            : []),
          { job: 'vmdeck-bff', url: `http://127.0.0.1:${bffPort}/metrics` },
        ],
      })
    : undefined
  const bff = start('bff', node, [join(root, 'apps/bff/src/server.ts')], {
    cwd: root,
    quiet,
    logFile: join(stateDir, 'bff.log'),
    env: {
      ...process.env,
      KUBECONFIG: kubeconfig,
      VMDECK_PORT: String(bffPort),
      VMDECK_DEMO: demo ? '1' : '0',
      ...(idp?.bffEnv ?? {}),
      ...(prometheus
        ? { VMDECK_PROMETHEUS_URL: prometheus.url, VMDECK_PROMETHEUS_SCRAPE_INTERVAL: '2s' }
        : {}),
      VMDECK_LOG_LEVEL: process.env.VMDECK_LOG_LEVEL ?? (quiet ? 'warn' : 'info'),
      // Console sessions of the demo's prod namespace are recorded, into the state directory.
      VMDECK_CONSOLE_RECORDINGS_DIR:
        process.env.VMDECK_CONSOLE_RECORDINGS_DIR ?? join(stateDir, 'recordings'),
      VMDECK_CONSOLE_RECORDING_NAMESPACES:
        process.env.VMDECK_CONSOLE_RECORDING_NAMESPACES ?? 'prod',
      // A fresh key per run: the BFF refuses keys written in the repository.
      VMDECK_SESSION_KEYS: process.env.VMDECK_SESSION_KEYS ?? randomBytes(32).toString('base64url'),
    },
  })
  await waitForLine(bff, /Server listening at|listening on/i)
  // Ready: caches synced and revoked sessions listed (until then cookies get 503).
  const readyz = `http://127.0.0.1:${bffPort}/readyz`
  for (let tries = 0; tries < 600; tries++) {
    const ok = await fetch(readyz).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { sim, bff, prometheus, idp, kubeconfig, url: `http://127.0.0.1:${bffPort}` }
}
