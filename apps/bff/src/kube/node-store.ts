import type { KubernetesObject } from '@kubernetes/client-node'
import { vmKey, type NodeChange, type NodeDrain, type NodeSummary } from '@vmdeck/shared'
import type { Pod } from './types.ts'
import { toNodeSummary } from './view-models/node-summary.ts'
import type { ResilientInformer } from './resilient-informer.ts'
import type { VmStore } from './vm-store.ts'

/**
 * The hosts of one cluster: one Node informer and one virt-launcher Pod informer (for what VMs use
 * on each host), VM counts from the VM store's change feed, and the progress of drains.
 */
export class NodeStore {
  readonly #nodes: ResilientInformer<KubernetesObject>
  readonly #views = new Map<string, NodeSummary>()
  readonly #podsByNode = new Map<string, Map<string, Pod>>()
  readonly #podNode = new Map<string, string>()
  readonly #vmNode = new Map<string, string>()
  readonly #vmCount = new Map<string, number>()
  readonly #drains = new Map<string, NodeDrain>()
  readonly #listeners = new Set<(change: NodeChange) => void>()

  constructor(
    nodes: ResilientInformer<KubernetesObject>,
    pods: ResilientInformer<KubernetesObject>,
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
      if (before) this.#refresh(before)
      if (after) this.#refresh(after)
    })
  }

  get synced(): boolean {
    return this.#nodes.synced
  }

  list(): Iterable<NodeSummary> {
    return this.#views.values()
  }

  get(name: string): NodeSummary | undefined {
    return this.#views.get(name)
  }

  /** virt-launcher pods on a node that still run. */
  launcherPods(node: string): Pod[] {
    return [...(this.#podsByNode.get(node)?.values() ?? [])]
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
      if (!onNode) this.#podsByNode.set(after, (onNode = new Map<string, Pod>()))
      onNode.set(key, pod)
      this.#podNode.set(key, after)
    }
    if (before && before !== after) this.#refresh(before)
    if (after) this.#refresh(after)
  }

  #refresh(name: string): void {
    if (!name) return
    const node = this.#nodes.get(name)
    if (!node) {
      if (this.#views.delete(name)) this.#emit({ type: 'delete', name })
      return
    }
    const view = toNodeSummary(
      node,
      this.launcherPods(name),
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
