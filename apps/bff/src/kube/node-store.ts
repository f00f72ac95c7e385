import type { KubernetesObject } from '@kubernetes/client-node'
import { vmKey, type NodeChange, type NodeDrain, type NodeSummary } from '@vmdeck/shared'
import { slimPod } from './slim-pod.ts'
import type { ListWatch } from './list-watch.ts'
import type { Pod } from './types.ts'
import { podUsage, sumUsage, toNodeSummary, type Usage } from './view-models/node-summary.ts'
import type { ResilientInformer } from './resilient-informer.ts'
import type { VmStore } from './vm-store.ts'

/**
 * The hosts of one cluster: one Node informer and one virt-launcher Pod informer (for what VMs use
 * on each host), VM counts from the VM store's change feed, and the progress of drains.
 */
export class NodeStore {
  readonly #nodes: ResilientInformer<KubernetesObject>
  readonly #views = new Map<string, NodeSummary>()
  readonly #podsByNode = new Map<string, Map<string, { pod: Pod; usage: Usage }>>()
  readonly #podNode = new Map<string, string>()
  readonly #vmNode = new Map<string, string>()
  readonly #vmCount = new Map<string, number>()
  readonly #drains = new Map<string, NodeDrain>()
  readonly #listeners = new Set<(change: NodeChange) => void>()
  readonly #dirty = new Set<string>()

  constructor(
    nodes: ResilientInformer<KubernetesObject>,
    pods: Pick<ListWatch<unknown>, 'on'>,
    vms: VmStore,
  ) {
    this.#nodes = nodes
    for (const event of ['add', 'update', 'delete'] as const)
      nodes.on(event, (node) => this.#refresh(node.metadata?.name ?? ''))
    for (const event of ['add', 'update'] as const)
      pods.on(event, (pod) => this.#placePod(pod, false))
    pods.on('delete', (pod) => this.#placePod(pod, true))
    vms.subscribe((change) => {
      const key = change.type === 'upsert' ? vmKey(change.vm) : vmKey(change)
      const before = this.#vmNode.get(key)
      const after = change.type === 'upsert' ? change.vm.node : undefined
      if (before === after) return
      if (before) {
        this.#vmCount.set(before, (this.#vmCount.get(before) ?? 1) - 1)
        this.#vmNode.delete(key)
      }
      if (after) {
        this.#vmCount.set(after, (this.#vmCount.get(after) ?? 0) + 1)
        this.#vmNode.set(key, after)
      }
      if (before) this.#later(before)
      if (after) this.#later(after)
    })
  }

  get synced(): boolean {
    return this.#nodes.synced
  }

  list(): Iterable<NodeSummary> {
    this.#flush()
    return this.#views.values()
  }

  get(name: string): NodeSummary | undefined {
    this.#flush()
    return this.#views.get(name)
  }

  /** virt-launcher pods on a node that still run. */
  launcherPods(node: string): Pod[] {
    return [...(this.#podsByNode.get(node)?.values() ?? [])].map((placed) => placed.pod)
  }

  setDrain(node: string, drain: NodeDrain | undefined): void {
    if (drain) this.#drains.set(node, drain)
    else this.#drains.delete(node)
    this.#refresh(node)
  }

  drainOf(node: string): NodeDrain | undefined {
    return this.#drains.get(node)
  }

  subscribe(listener: (change: NodeChange) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #placePod(pod: Pod, deleted: boolean): void {
    const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`
    const before = this.#podNode.get(key)
    const after = deleted ? undefined : pod.spec?.nodeName
    if (before) this.#podsByNode.get(before)?.delete(key)
    this.#podNode.delete(key)
    if (after) {
      let onNode = this.#podsByNode.get(after)
      if (!onNode)
        this.#podsByNode.set(after, (onNode = new Map<string, { pod: Pod; usage: Usage }>()))
      onNode.set(key, { pod: slimPod(pod), usage: podUsage(pod) })
      this.#podNode.set(key, after)
    }
    if (before && before !== after) this.#later(before)
    if (after) this.#later(after)
  }

  /**
   * A node's summary sums every launcher pod on it, so it is rebuilt once per batch of pod and VM
   * changes (a page of the initial list, a burst of watch events), not once per pod: per pod,
   * 25,000 running VMs would cost quadratic time. Reads flush first, so they never see stale sums.
   */
  #later(name: string): void {
    if (this.#dirty.size === 0) queueMicrotask(() => this.#flush())
    this.#dirty.add(name)
  }

  #flush(): void {
    for (const name of this.#dirty) this.#refresh(name)
    this.#dirty.clear()
  }

  #refresh(name: string): void {
    if (!name) return
    const node = this.#nodes.get(name)
    if (!node) {
      if (this.#views.delete(name)) this.#emit({ type: 'delete', name })
      return
    }
    const onNode = this.#podsByNode.get(name)?.values() ?? []
    const view = toNodeSummary(
      node,
      sumUsage([...onNode].map((placed) => placed.usage)),
      this.#vmCount.get(name) ?? 0,
      this.#drains.get(name),
    )
    const previous = this.#views.get(name)
    if (previous && JSON.stringify(previous) === JSON.stringify(view)) return
    this.#views.set(name, view)
    this.#emit({ type: 'upsert', node: view })
  }

  #emit(change: NodeChange): void {
    for (const listener of this.#listeners) listener(change)
  }
}
