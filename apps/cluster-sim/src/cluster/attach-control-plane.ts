// Attaching to a control plane that another process runs: `controlplane run` in a container of
// its own (docker-compose.yml's `controlplane` service, the demo overlay's sidecar), sharing its
// state directory with the simulator through a volume. The simulator never starts or stops it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { ClusterInfo, ControlPlane } from './control-plane.ts'
import { KubeClient } from './kube-client.ts'

export interface AttachOptions {
  /** The control plane's `--state-dir`: where it writes cluster.json once it is ready. */
  stateDir: string
  /** How long to wait for it (a first start in a container takes about a minute). */
  timeoutMs?: number
  /** How often to look again while waiting. */
  pollMs?: number
}

/**
 * Resolves once `<stateDir>/cluster.json` names an API server that answers /readyz.
 *
 * The file alone is not enough: `controlplane run` removes it when it starts and writes it (by
 * rename, so never half-written) once kube-apiserver is ready, but one left by a control plane
 * that was killed names a server that is gone. It is read again on every attempt, so a restarted
 * control plane's new file is picked up.
 */
export async function attachControlPlane(options: AttachOptions): Promise<ControlPlane> {
  const file = join(options.stateDir, 'cluster.json')
  const deadline = Date.now() + (options.timeoutMs ?? 300_000)
  let last = `no ${file} yet`
  for (;;) {
    const attached = await tryAttach(file).catch((error: unknown) => {
      last = error instanceof Error ? error.message : String(error)
      return undefined
    })
    if (attached) return attached
    if (Date.now() >= deadline)
      throw new Error(
        `no ready control plane in ${options.stateDir} within ${Math.round((options.timeoutMs ?? 300_000) / 1000)} s (is \`controlplane run --state-dir ${options.stateDir}\` running?): ${last}`,
      )
    await delay(options.pollMs ?? 500)
  }
}

async function tryAttach(file: string): Promise<ControlPlane> {
  const info = JSON.parse(readFileSync(file, 'utf8')) as ClusterInfo
  const ca = readFileSync(info.caFile, 'utf8')
  const token = info.tokens['cluster-sim']
  if (!token) throw new Error(`${file} holds no token for cluster-sim`)
  const client = new KubeClient({ url: info.url, ca, token })
  try {
    const res = await client.raw('GET', '/readyz')
    if (res.status !== 200)
      throw new Error(`${info.url}/readyz answered ${res.status}: ${res.text}`)
  } finally {
    client.close()
  }
  return {
    info,
    ca,
    // Not this process's to stop, and not watched: its own container restarts it.
    stop: () => Promise.resolve(),
    exited: new Promise<number | null>(() => {}),
  }
}
