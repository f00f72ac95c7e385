import type { Cluster } from './cluster.ts'
import { evictPod } from './api/node-requests.ts'
import { HttpError } from './http-error.ts'

export interface DrainOptions {
  /** How often evictions are retried while KubeVirt migrates VMs away (kubectl drain: 5 s). */
  retryMs?: number
  timeoutMs?: number
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
}

/**
 * Drains a node as `kubectl drain` does for VMs: evict every virt-launcher pod through the Eviction
 * API, as the user, so KubeVirt's eviction strategy decides: a `LiveMigrate` VM is
 * migrated (the eviction answers 429 while it moves), others stop. Evictions are retried until no
 * launcher pod is left; progress goes to the node store and from there to the stream.
 */
export class Drainer {
  readonly #running = new Map<string, NodeJS.Timeout | undefined>()
  readonly #cluster: Cluster
  readonly #options: DrainOptions

  constructor(cluster: Cluster, options: DrainOptions) {
    this.#cluster = cluster
    this.#options = options
  }

  isDraining(node: string): boolean {
    return this.#running.has(node)
  }

  cancel(node: string): void {
    clearTimeout(this.#running.get(node))
    this.#running.delete(node)
  }

  stopAll(): void {
    for (const node of [...this.#running.keys()]) this.cancel(node)
  }

  /** Starts draining (the node is already cordoned); the first round runs before this resolves. */
  async start(node: string, token: string, user: string): Promise<void> {
    this.cancel(node)
    const store = this.#cluster.nodes
    const total = store.launcherPods(node).length
    const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const deadline = Date.now() + (this.#options.timeoutMs ?? 10 * 60_000)
    this.#running.set(node, undefined)
    const client = this.#cluster.clientFor(token)
    const round = async (): Promise<void> => {
      if (!this.#running.has(node)) return
      const pods = store
        .launcherPods(node)
        .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
      if (pods.length === 0) {
        this.#running.delete(node)
        store.setDrain(node, { phase: 'Drained', remaining: 0, total, startedAt })
        this.#options.log.info({ user, node }, 'node drained')
        return
      }
      if (Date.now() > deadline) {
        this.#running.delete(node)
        store.setDrain(node, {
          phase: 'Failed',
          remaining: pods.length,
          total,
          startedAt,
          message: `Timed out with ${pods.length} VM(s) still on the node.`,
        })
        return
      }
      const messages: string[] = []
      for (const pod of pods) {
        const namespace = pod.metadata?.namespace ?? ''
        const name = pod.metadata?.name ?? ''
        const response = await evictPod(client, namespace, name)
        // 429: KubeVirt refused the eviction because it is migrating the VM away; retry later.
        if (response.status < 300 || response.status === 404 || response.status === 429) continue
        const text = (response.body as { message?: string } | undefined)?.message ?? response.text
        if (response.status === 401 || response.status === 403) {
          this.#running.delete(node)
          store.setDrain(node, {
            phase: 'Failed',
            remaining: pods.length,
            total,
            startedAt,
            message: `Eviction of ${namespace}/${name} was refused: ${text}`,
          })
          return
        }
        messages.push(`${namespace}/${name}: ${text}`)
      }
      store.setDrain(node, {
        phase: 'Draining',
        remaining: pods.length,
        total,
        startedAt,
        ...(messages.length ? { message: messages.join('; ').slice(0, 1000) } : {}),
      })
      if (this.#running.has(node))
        this.#running.set(
          node,
          setTimeout(() => {
            round().catch((err: unknown) => {
              this.#options.log.warn({ err, node }, 'drain round failed')
              if (err instanceof HttpError && err.statusCode === 503 && this.#running.has(node))
                this.#running.set(
                  node,
                  setTimeout(() => void round(), this.#options.retryMs ?? 2_000),
                )
            })
          }, this.#options.retryMs ?? 2_000),
        )
    }
    store.setDrain(node, { phase: 'Draining', remaining: total, total, startedAt })
    await round()
  }
}
