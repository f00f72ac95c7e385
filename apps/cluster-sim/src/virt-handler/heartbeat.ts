// virt-handler's heartbeat (kubevirt pkg/virt-handler/heartbeat): about once a minute each node's
// handler patches its Node with `kubevirt.io/schedulable` and the `kubevirt.io/heartbeat`
// timestamp. virt-controller's node controller takes a node whose heartbeat is older than its
// timeout as unresponsive: it marks the node unschedulable for VMs and fails the VMIs on it.
import type { KubeClient } from '../cluster/kube-client.ts'
import { nodeLabels } from './node-labeller.ts'

/** KubeVirt's heartBeatInterval; each beat waits up to 1.2 times longer (wait.JitterUntil). */
const INTERVAL_MS = 60_000
const JITTER = 1.2

export class Heartbeats {
  /** Each node's virt-handler client: KubeVirt lets a handler modify only its own node. */
  readonly #clientOf: (node: string) => KubeClient
  readonly #timers = new Map<string, NodeJS.Timeout>()
  readonly #intervalMs: number

  constructor(clientOf: (node: string) => KubeClient, intervalMs = INTERVAL_MS) {
    this.#clientOf = clientOf
    this.#intervalMs = intervalMs
  }

  /** Beats for `node` now and then periodically, until `stop(node)`. */
  async start(node: string): Promise<void> {
    this.stop(node)
    await this.#beat(node)
    this.#schedule(node)
  }

  /** The node's virt-handler is gone (its node died): no more heartbeats. */
  stop(node: string): void {
    clearTimeout(this.#timers.get(node))
    this.#timers.delete(node)
  }

  close(): void {
    for (const node of [...this.#timers.keys()]) this.stop(node)
  }

  #schedule(node: string): void {
    const delay = this.#intervalMs * (1 + Math.random() * JITTER)
    this.#timers.set(
      node,
      setTimeout(() => {
        void this.#beat(node)
          .catch((error: unknown) =>
            console.error(`virt-handler: heartbeat of ${node} failed:`, error),
          )
          .finally(() => {
            if (this.#timers.has(node)) this.#schedule(node)
          })
      }, delay),
    )
  }

  async #beat(node: string): Promise<void> {
    await this.#clientOf(node).json('PATCH', `/api/v1/nodes/${encodeURIComponent(node)}`, {
      contentType: 'application/strategic-merge-patch+json',
      body: {
        metadata: {
          labels: {
            'kubevirt.io/schedulable': 'true',
            'kubevirt.io/cpumanager': 'false',
            cpumanager: 'false',
            // The node labeller's labels go in the same patch: one write per beat.
            ...nodeLabels(),
          },
          annotations: {
            'kubevirt.io/heartbeat': new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          },
        },
      },
    })
  }
}
