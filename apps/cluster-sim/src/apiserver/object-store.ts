import { randomUUID } from 'node:crypto'
import type { ResourceDef } from './registry.ts'
import { alreadyExists, conflict, gone, notFound, invalid } from './status-error.ts'
import type { KObject, StoreEvent } from './types.ts'

type Listener = (event: StoreEvent) => void

const resourceKey = (def: ResourceDef) => `${def.group}/${def.plural}`
const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`
// Stored values are plain JSON; a JSON round trip copies them several times faster than
// structuredClone in V8, and the store copies on every read and write.
const clone = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)

/** Fields an update of the main resource may not change when the kind has a /status subresource. */
const specOf = ({ metadata: _metadata, status: _status, ...rest }: KObject) => JSON.stringify(rest)

export interface StoreOptions {
  /** Events kept per resource for watches that resume from a resourceVersion; older ones answer 410 Gone. */
  historySize?: number
}

/**
 * The simulator's etcd: one global revision counter (every write gets the next one, as etcd's
 * mod_revision), per-resource event history for resumable watches, and change listeners.
 */
export class ObjectStore {
  #revision = 1
  readonly #objects = new Map<string, Map<string, KObject>>()
  readonly #history = new Map<string, StoreEvent[]>()
  /** Per resource: the newest revision whose event was dropped from history. */
  readonly #compacted = new Map<string, number>()
  readonly #listeners = new Map<string, Set<Listener>>()
  /** Per resource: object keys in list order, dropped when an object is added or removed. */
  readonly #sortedKeys = new Map<string, string[]>()
  readonly #historySize: number

  constructor(options: StoreOptions = {}) {
    this.#historySize = options.historySize ?? 5000
  }

  get revision(): number {
    return this.#revision
  }

  list(def: ResourceDef, namespace?: string): { items: KObject[]; revision: number } {
    const { items, revision } = this.peekList(def, namespace)
    return { items: items.map(clone), revision }
  }

  /**
   * The objects in key order (etcd's byte order of `namespace/name`) without copying: for the
   * list and watch paths, which only serialize them, and must not mutate them.
   */
  peekList(def: ResourceDef, namespace?: string): { items: KObject[]; revision: number } {
    const key = resourceKey(def)
    const objects = this.#objects.get(key)
    if (!objects) return { items: [], revision: this.#revision }
    let keys = this.#sortedKeys.get(key)
    if (!keys) {
      keys = [...objects.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      this.#sortedKeys.set(key, keys)
    }
    const items: KObject[] = []
    const prefix = namespace === undefined ? undefined : `${namespace}/`
    for (const k of keys) {
      if (prefix !== undefined && !k.startsWith(prefix)) continue
      const object = objects.get(k)
      if (object) items.push(object)
    }
    return { items, revision: this.#revision }
  }

  /** Read without copying: for controllers and the watch path, which must not mutate the result. */
  peek(def: ResourceDef, namespace: string | undefined, name: string): KObject | undefined {
    return this.#objects.get(resourceKey(def))?.get(objectKey(namespace, name))
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): KObject {
    const object = this.peek(def, namespace, name)
    if (!object) throw notFound(def.group, def.plural, name)
    return clone(object)
  }

  create(def: ResourceDef, input: KObject): KObject {
    const object = clone(input)
    const meta = object.metadata
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix()
    if (!meta.name) {
      throw invalid(def.group, def.kind, '', [
        { field: 'metadata.name', message: 'Required value: name or generateName is required' },
      ])
    }
    const objects = this.#bucket(def)
    const key = objectKey(def.namespaced ? meta.namespace : undefined, meta.name)
    if (objects.has(key)) throw alreadyExists(def.group, def.plural, meta.name)
    if (!def.namespaced) delete meta.namespace
    meta.uid = randomUUID()
    meta.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    meta.generation = 1
    delete meta.deletionTimestamp
    meta.resourceVersion = String(++this.#revision)
    objects.set(key, object)
    this.#sortedKeys.delete(resourceKey(def))
    this.#record(def, 'ADDED', object)
    return clone(object)
  }

  /**
   * Puts back an object saved from an earlier run, metadata untouched (uid, resourceVersion,
   * creationTimestamp); `revision` continues from the highest one restored. No watch event.
   */
  restore(def: ResourceDef, object: KObject): void {
    const meta = object.metadata
    this.#bucket(def).set(
      objectKey(def.namespaced ? meta.namespace : undefined, meta.name ?? ''),
      clone(object),
    )
    this.#sortedKeys.delete(resourceKey(def))
    this.#revision = Math.max(this.#revision, Number(meta.resourceVersion ?? 0))
  }

  /**
   * Replaces an object. A resourceVersion in the input must match the stored one (optimistic
   * concurrency); an empty one means "last write wins", as for kube-apiserver's unconditional update.
   */
  update(def: ResourceDef, input: KObject, options: { subresource?: 'status' } = {}): KObject {
    const meta = input.metadata
    const name = meta.name ?? ''
    const key = objectKey(def.namespaced ? meta.namespace : undefined, name)
    const objects = this.#bucket(def)
    const current = objects.get(key)
    if (!current) throw notFound(def.group, def.plural, name)
    if (meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(def.group, def.plural, name)
    }
    const hasStatus = def.subresources?.includes('status') ?? false
    let next: KObject
    if (options.subresource === 'status') {
      next = { ...clone(current), status: clone(input.status) }
    } else {
      next = clone(input)
      // Identity and server-owned fields cannot be changed by a client.
      next.metadata = {
        ...next.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        generation: current.metadata.generation,
        namespace: current.metadata.namespace,
        ...(current.metadata.deletionTimestamp
          ? { deletionTimestamp: current.metadata.deletionTimestamp }
          : {}),
      }
      if (!def.namespaced) delete next.metadata.namespace
      if (hasStatus) {
        if (current.status === undefined) delete next.status
        else next.status = clone(current.status)
      }
    }
    if (specOf(next) !== specOf(current))
      next.metadata.generation = (current.metadata.generation ?? 1) + 1
    if (
      JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: '' } }) ===
      JSON.stringify({ ...current, metadata: { ...current.metadata, resourceVersion: '' } })
    ) {
      // A no-op write does not bump the resourceVersion or notify watchers (as kube-apiserver).
      return clone(current)
    }
    next.metadata.resourceVersion = String(++this.#revision)
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      objects.delete(key)
      this.#sortedKeys.delete(resourceKey(def))
      this.#record(def, 'DELETED', next)
      return clone(next)
    }
    objects.set(key, next)
    this.#record(def, 'MODIFIED', next, current)
    return clone(next)
  }

  /**
   * Deletes an object; with finalizers it only gets a deletionTimestamp and disappears when the
   * last finalizer is removed.
   */
  delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    preconditions: { uid?: string; resourceVersion?: string } = {},
  ): { object: KObject; finalized: boolean } {
    const objects = this.#bucket(def)
    const key = objectKey(def.namespaced ? namespace : undefined, name)
    const current = objects.get(key)
    if (!current) throw notFound(def.group, def.plural, name)
    if (preconditions.uid && preconditions.uid !== current.metadata.uid) {
      throw conflict(def.group, def.plural, name)
    }
    if (
      preconditions.resourceVersion &&
      preconditions.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw conflict(def.group, def.plural, name)
    }
    if ((current.metadata.finalizers ?? []).length > 0) {
      if (current.metadata.deletionTimestamp) return { object: clone(current), finalized: false }
      const next = clone(current)
      next.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
      next.metadata.deletionGracePeriodSeconds = 0
      next.metadata.resourceVersion = String(++this.#revision)
      objects.set(key, next)
      this.#record(def, 'MODIFIED', next, current)
      return { object: clone(next), finalized: false }
    }
    objects.delete(key)
    this.#sortedKeys.delete(resourceKey(def))
    const deleted = clone(current)
    deleted.metadata.resourceVersion = String(++this.#revision)
    this.#record(def, 'DELETED', deleted)
    return { object: clone(deleted), finalized: true }
  }

  /**
   * Subscribes to a resource's changes after `fromRevision` (replaying retained history first).
   * Throws 410 Gone when that revision was compacted away, as etcd does.
   */
  watch(def: ResourceDef, fromRevision: number, listener: Listener): () => void {
    const key = resourceKey(def)
    const compacted = this.#compacted.get(key) ?? 0
    if (fromRevision < compacted) {
      throw gone(`too old resource version: ${fromRevision} (${compacted + 1})`)
    }
    for (const event of this.#history.get(key) ?? []) {
      if (event.revision > fromRevision) listener(event)
    }
    const listeners = this.#listeners.get(key) ?? new Set<Listener>()
    this.#listeners.set(key, listeners)
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  readonly #clientWatches = new Set<() => void>()

  /** Registers how to end a client's watch stream, for `endWatches`; returns the unregister. */
  onEndWatches(end: () => void): () => void {
    this.#clientWatches.add(end)
    return () => this.#clientWatches.delete(end)
  }

  /** Ends every client watch stream, as an API server restart does; clients resume or relist. */
  endWatches(): void {
    for (const end of [...this.#clientWatches]) end()
  }

  /**
   * Whether a list at `revision` would equal the current list of this resource: true when no
   * retained event of it is newer; throws 410 when history older than `revision` was dropped.
   */
  unchangedSince(def: ResourceDef, revision: number): boolean {
    const key = resourceKey(def)
    const compacted = this.#compacted.get(key) ?? 0
    if (revision < compacted) throw gone(`too old resource version: ${revision} (${compacted + 1})`)
    return !(this.#history.get(key) ?? []).some((event) => event.revision > revision)
  }

  /** Drops all history: every watch resuming from an older resourceVersion gets 410 Gone. */
  compact(): void {
    for (const key of this.#history.keys()) {
      this.#history.set(key, [])
      this.#compacted.set(key, this.#revision)
    }
  }

  #bucket(def: ResourceDef): Map<string, KObject> {
    const key = resourceKey(def)
    let objects = this.#objects.get(key)
    if (!objects) {
      objects = new Map()
      this.#objects.set(key, objects)
    }
    return objects
  }

  #record(def: ResourceDef, type: StoreEvent['type'], object: KObject, previous?: KObject): void {
    const key = resourceKey(def)
    const event: StoreEvent = {
      type,
      // The stored object itself: stored objects are replaced, never mutated in place.
      object,
      revision: this.#revision,
      ...(previous ? { previous } : {}),
    }
    const history = this.#history.get(key) ?? []
    history.push(event)
    if (history.length > this.#historySize) {
      const dropped = history.shift()
      if (dropped) this.#compacted.set(key, dropped.revision)
    }
    this.#history.set(key, history)
    for (const listener of this.#listeners.get(key) ?? []) listener(event)
  }
}

const alphabet = 'bcdfghjklmnpqrstvwxz2456789'
/** kube-apiserver's generateName suffix: 5 characters from a vowel-free alphabet. */
function randomSuffix(): string {
  let suffix = ''
  for (let i = 0; i < 5; i++) suffix += alphabet[Math.floor(Math.random() * alphabet.length)]
  return suffix
}
