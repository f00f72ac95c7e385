import type { ControllerStore } from './controller-store.ts'
import type { ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import { keyOf, parseQuantity } from '../kubevirt/k8s-util.ts'

interface PodEntry {
  key: string
  creator: string | undefined
  node: string | undefined
  cpu: number
  memory: number
  active: boolean
}

/**
 * An informer-like index over pods: the launcher pods of each VMI (by its UID) and the CPU and
 * memory requested on each node, kept up to date from the store's watch (no relisting).
 */
export class PodIndex {
  readonly #entries = new Map<string, PodEntry>()
  readonly #byCreator = new Map<string, Set<string>>()
  readonly #usage = new Map<string, { cpu: number; memory: number }>()
  readonly #store: ControllerStore
  readonly #def: ResourceDef
  readonly stop: () => void

  constructor(store: ControllerStore, def: ResourceDef, onChange: (pod: KObject) => void) {
    this.#store = store
    this.#def = def
    for (const pod of store.list(def).items) this.#put(pod)
    this.stop = store.watch(def, store.revision, (event) => {
      if (event.type === 'DELETED')
        this.#remove(keyOf(event.object.metadata.namespace, event.object.metadata.name ?? ''))
      else this.#put(event.object)
      onChange(event.object)
    })
  }

  /** The pods a VMI created (launcher and migration targets), newest last. */
  podsOf(vmiUid: string): KObject[] {
    const pods: KObject[] = []
    for (const key of this.#byCreator.get(vmiUid) ?? []) {
      const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)]
      const pod = this.#store.peek(this.#def, namespace, name)
      if (pod) pods.push(pod)
    }
    return pods.sort((a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
    )
  }

  usage(node: string): { cpu: number; memory: number } {
    return this.#usage.get(node) ?? { cpu: 0, memory: 0 }
  }

  #put(pod: KObject): void {
    const key = keyOf(pod.metadata.namespace, pod.metadata.name ?? '')
    this.#remove(key)
    const spec = pod.spec as
      | { nodeName?: string; containers?: { resources?: { requests?: Record<string, string> } }[] }
      | undefined
    const phase = (pod.status as { phase?: string } | undefined)?.phase
    let cpu = 0
    let memory = 0
    for (const c of spec?.containers ?? []) {
      cpu += parseQuantity(c.resources?.requests?.cpu)
      memory += parseQuantity(c.resources?.requests?.memory)
    }
    const entry: PodEntry = {
      key,
      creator: pod.metadata.labels?.['kubevirt.io/created-by'],
      node: spec?.nodeName,
      cpu,
      memory,
      active: phase !== 'Succeeded' && phase !== 'Failed',
    }
    this.#entries.set(key, entry)
    if (entry.creator) {
      const set = this.#byCreator.get(entry.creator) ?? new Set()
      set.add(key)
      this.#byCreator.set(entry.creator, set)
    }
    if (entry.node && entry.active) {
      const u = this.#usage.get(entry.node) ?? { cpu: 0, memory: 0 }
      this.#usage.set(entry.node, { cpu: u.cpu + cpu, memory: u.memory + memory })
    }
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key)
    if (!entry) return
    this.#entries.delete(key)
    if (entry.creator) {
      const set = this.#byCreator.get(entry.creator)
      set?.delete(key)
      if (set?.size === 0) this.#byCreator.delete(entry.creator)
    }
    if (entry.node && entry.active) {
      const u = this.#usage.get(entry.node) ?? { cpu: 0, memory: 0 }
      this.#usage.set(entry.node, { cpu: u.cpu - entry.cpu, memory: u.memory - entry.memory })
    }
  }
}
