import type { ObjectStore } from './object-store.ts'
import type { Registry, ResourceDef } from './registry.ts'
import type { KObject, StoreEvent } from './types.ts'

export const FOREGROUND = 'foregroundDeletion'
export const ORPHAN = 'orphan'

interface Ref {
  def: ResourceDef
  namespace: string | undefined
  name: string
}

/**
 * kube-controller-manager's garbage collector (`pkg/controller/garbagecollector`), by
 * ownerReference uid across every served kind:
 * - an owner gone (any propagation but Orphan) → each dependent loses that reference, and is
 *   deleted when no live owner remains (Background);
 * - an owner being deleted with the `foregroundDeletion` finalizer → its dependents are deleted
 *   first, then the finalizer is removed and the owner disappears (Foreground);
 * - an owner being deleted with the `orphan` finalizer → dependents lose the reference, then the
 *   finalizer is removed (Orphan).
 * Work runs after the store event that caused it, never inside a store listener.
 */
export class GarbageCollector {
  readonly #store: ObjectStore
  /** Owner uid → dependents (`group/plural/ns/name` → where to find it). */
  readonly #dependents = new Map<string, Map<string, Ref>>()
  /** Every live uid, to tell whether a dependent still has an owner. */
  readonly #alive = new Map<string, Ref>()
  readonly #queue: (() => void)[] = []
  #scheduled = false
  readonly #unwatch: (() => void)[] = []

  constructor(registry: Registry, store: ObjectStore) {
    this.#store = store
    for (const def of registry.defs) this.watch(def)
  }

  /** Follows one more kind (a CRD registered after start). */
  watch(def: ResourceDef): void {
    if (def.verbs && !def.verbs.includes('delete')) return
    for (const object of this.#store.peekList(def).items) this.#track(def, object)
    this.#unwatch.push(this.#store.watch(def, this.#store.revision, (e) => this.#onEvent(def, e)))
  }

  close(): void {
    for (const unwatch of this.#unwatch) unwatch()
  }

  #onEvent(def: ResourceDef, { type, object, previous }: StoreEvent): void {
    const uid = object.metadata.uid ?? ''
    if (previous) this.#untrack(def, previous)
    if (type === 'DELETED') {
      this.#untrack(def, object)
      this.#alive.delete(uid)
      if (!(object.metadata.finalizers ?? []).includes(ORPHAN))
        this.#later(() => this.#ownerGone(uid))
      this.#later(() => this.#dependentGone(object))
      return
    }
    this.#track(def, object)
    const finalizers = object.metadata.finalizers ?? []
    if (object.metadata.deletionTimestamp && finalizers.includes(FOREGROUND))
      this.#later(() => this.#foreground(def, object))
    if (object.metadata.deletionTimestamp && finalizers.includes(ORPHAN))
      this.#later(() => this.#orphan(def, object))
  }

  #track(def: ResourceDef, object: KObject): void {
    const ref = refOf(def, object)
    this.#alive.set(object.metadata.uid ?? '', ref)
    for (const owner of object.metadata.ownerReferences ?? []) {
      const dependents = this.#dependents.get(owner.uid) ?? new Map<string, Ref>()
      dependents.set(keyOf(ref), ref)
      this.#dependents.set(owner.uid, dependents)
    }
  }

  #untrack(def: ResourceDef, object: KObject): void {
    const key = keyOf(refOf(def, object))
    for (const owner of object.metadata.ownerReferences ?? [])
      this.#dependents.get(owner.uid)?.delete(key)
  }

  /** Background: drop the dead reference; delete dependents left without a live owner. */
  #ownerGone(uid: string): void {
    for (const ref of this.#dependents.get(uid)?.values() ?? []) {
      const dependent = this.#store.peek(ref.def, ref.namespace, ref.name)
      if (!dependent) continue
      const owners = dependent.metadata.ownerReferences ?? []
      if (owners.some((o) => o.uid !== uid && this.#alive.has(o.uid))) {
        this.#write(ref.def, dependent, { ownerReferences: owners.filter((o) => o.uid !== uid) })
      } else if (!dependent.metadata.deletionTimestamp) {
        this.#delete(ref)
      }
    }
    this.#dependents.delete(uid)
  }

  #foreground(def: ResourceDef, owner: KObject): void {
    const uid = owner.metadata.uid ?? ''
    const blocking = [...(this.#dependents.get(uid)?.values() ?? [])].filter((ref) =>
      this.#store.peek(ref.def, ref.namespace, ref.name),
    )
    for (const ref of blocking) {
      const dependent = this.#store.peek(ref.def, ref.namespace, ref.name)
      if (dependent && !dependent.metadata.deletionTimestamp) this.#delete(ref)
    }
    const left = blocking.filter((ref) => this.#store.peek(ref.def, ref.namespace, ref.name))
    if (left.length === 0) this.#removeFinalizer(def, owner, FOREGROUND)
  }

  /** A dependent of a foreground deletion went away: the owner may be done waiting. */
  #dependentGone(object: KObject): void {
    for (const owner of object.metadata.ownerReferences ?? []) {
      const ref = this.#alive.get(owner.uid)
      if (!ref) continue
      const current = this.#store.peek(ref.def, ref.namespace, ref.name)
      if (current?.metadata.deletionTimestamp && current.metadata.finalizers?.includes(FOREGROUND))
        this.#foreground(ref.def, current)
    }
  }

  #orphan(def: ResourceDef, owner: KObject): void {
    const uid = owner.metadata.uid ?? ''
    for (const ref of this.#dependents.get(uid)?.values() ?? []) {
      const dependent = this.#store.peek(ref.def, ref.namespace, ref.name)
      if (!dependent) continue
      const owners = (dependent.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid)
      this.#write(ref.def, dependent, { ownerReferences: owners.length ? owners : undefined })
    }
    this.#removeFinalizer(def, owner, ORPHAN)
  }

  #removeFinalizer(def: ResourceDef, object: KObject, finalizer: string): void {
    const current = this.#store.peek(def, object.metadata.namespace, object.metadata.name ?? '')
    if (!current?.metadata.finalizers?.includes(finalizer)) return
    const finalizers = current.metadata.finalizers.filter((f) => f !== finalizer)
    this.#write(def, current, { finalizers: finalizers.length ? finalizers : undefined })
  }

  #write(def: ResourceDef, object: KObject, metadata: Partial<KObject['metadata']>): void {
    const next = {
      ...structuredClone(object),
      metadata: { ...structuredClone(object.metadata), ...metadata },
    }
    for (const [key, value] of Object.entries(metadata)) {
      if (value === undefined) delete (next.metadata as Record<string, unknown>)[key]
    }
    try {
      this.#store.update(def, next)
    } catch {
      // Changed or gone meanwhile: the event that follows brings the collector back.
    }
  }

  #delete(ref: Ref): void {
    try {
      this.#store.delete(ref.def, ref.namespace, ref.name)
    } catch {
      // Already gone.
    }
  }

  #later(work: () => void): void {
    this.#queue.push(work)
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) next()
    })
  }
}

const refOf = (def: ResourceDef, object: KObject): Ref => ({
  def,
  namespace: def.namespaced ? object.metadata.namespace : undefined,
  name: object.metadata.name ?? '',
})
const keyOf = (ref: Ref) => `${ref.def.group}/${ref.def.plural}/${ref.namespace ?? ''}/${ref.name}`
