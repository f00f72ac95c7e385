import type { ResourceDef } from '../kube/registry.ts'
import { notFound, StatusError } from '../kube/status-error.ts'
import type { KObject, StoreEvent } from '../kube/types.ts'
import type { ControllerStore, PatchType } from '../controllers/controller-store.ts'
import type { KubeClient, WatchEvent } from './kube-client.ts'
import { resourcePath } from './resource-paths.ts'

type Listener = (event: StoreEvent) => void

const patchContentType: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
}

const resourceKey = (def: ResourceDef) => `${def.group}/${def.plural}`
const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`
const clone = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)
const rvOf = (object: KObject | undefined) => Number(object?.metadata.resourceVersion ?? 0)

/** One resource's informer: the cached objects and the watch that keeps them current. */
interface Informer {
  def: ResourceDef
  objects: Map<string, KObject>
  sortedKeys: string[] | undefined
  listeners: Set<Listener>
  resourceVersion: string
  /** The watch answered an ERROR event: list again before watching. */
  relist: boolean
  /**
   * The resourceVersion of each object the watch reported DELETED (bounded): an older write
   * answered after that event must not put the object back (a controller removing the last
   * finalizer gets its update's answer after kube-apiserver has already deleted the object).
   */
  tombstones: Map<string, number>
}

/** How many deletions an informer remembers; the oldest go first. */
const MAX_TOMBSTONES = 10_000

/**
 * What client-go's shared informers plus a REST client are to KubeVirt's controllers: every
 * resource the simulator reconciles is listed and watched once into a local cache, read
 * synchronously; writes go to kube-apiserver and the answer is written through to the cache
 * (when newer than what the watch already delivered), so a controller reads its own writes.
 */
export class ClusterStore implements ControllerStore {
  readonly client: KubeClient
  readonly #informers = new Map<string, Informer>()
  readonly #abort = new AbortController()
  #revision = 0

  constructor(client: KubeClient) {
    this.client = client
  }

  /** The highest resourceVersion seen; kept for callers written against the old store. */
  get revision(): number {
    return this.#revision
  }

  /** Lists and starts watching each resource; resolves when all are in the cache. */
  async sync(defs: ResourceDef[]): Promise<void> {
    await Promise.all(
      defs
        .filter((def) => !this.#informers.has(resourceKey(def)))
        .map(async (def) => {
          const informer: Informer = {
            def,
            objects: new Map(),
            sortedKeys: undefined,
            listeners: new Set(),
            resourceVersion: '',
            relist: false,
            tombstones: new Map(),
          }
          this.#informers.set(resourceKey(def), informer)
          await this.#list(informer)
          void this.#watchLoop(informer)
        }),
    )
  }

  synced(def: ResourceDef): boolean {
    return this.#informers.has(resourceKey(def))
  }

  peek(def: ResourceDef, namespace: string | undefined, name: string): KObject | undefined {
    return this.#informer(def).objects.get(objectKey(def.namespaced ? namespace : undefined, name))
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): KObject {
    const object = this.peek(def, namespace, name)
    if (!object) throw notFound(def.group, def.plural, name)
    return clone(object)
  }

  peekList(def: ResourceDef, namespace?: string): { items: KObject[]; revision: number } {
    const informer = this.#informer(def)
    informer.sortedKeys ??= [...informer.objects.keys()].sort((a, b) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    const prefix = namespace === undefined ? undefined : `${namespace}/`
    const items: KObject[] = []
    for (const key of informer.sortedKeys) {
      if (prefix !== undefined && !key.startsWith(prefix)) continue
      const object = informer.objects.get(key)
      if (object) items.push(object)
    }
    return { items, revision: this.#revision }
  }

  list(def: ResourceDef, namespace?: string): { items: KObject[]; revision: number } {
    const { items, revision } = this.peekList(def, namespace)
    return { items: items.map(clone), revision }
  }

  /** Calls `listener` for every change the watch delivers from now on (`fromRevision` is ignored). */
  watch(def: ResourceDef, _fromRevision: number, listener: Listener): () => void {
    const informer = this.#informer(def)
    informer.listeners.add(listener)
    return () => informer.listeners.delete(listener)
  }

  /** A fresh read from the API server (not the cache). */
  read(def: ResourceDef, namespace: string | undefined, name: string): Promise<KObject> {
    return this.client.json<KObject>('GET', resourcePath(def, namespace, name))
  }

  async create(def: ResourceDef, object: KObject): Promise<KObject> {
    const { apiVersion: _a, kind: _k, ...rest } = object
    const body = { apiVersion: apiVersionOf(def), kind: def.kind, ...rest }
    const created = await this.client.json<KObject>(
      'POST',
      resourcePath(def, object.metadata.namespace),
      { body },
    )
    return this.#writeThrough(def, created)
  }

  /**
   * Replaces an object (PUT); with `subresource: 'status'` only its status. A resourceVersion in
   * the object makes it conditional (409 Conflict when another writer won).
   */
  async update(
    def: ResourceDef,
    object: KObject,
    options: { subresource?: 'status' } = {},
  ): Promise<KObject> {
    const { apiVersion: _a, kind: _k, ...rest } = object
    const body = { apiVersion: apiVersionOf(def), kind: def.kind, ...rest }
    const updated = await this.client.json<KObject>(
      'PUT',
      resourcePath(def, object.metadata.namespace, object.metadata.name, options.subresource),
      { body },
    )
    return this.#writeThrough(def, updated)
  }

  async patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    options: { type?: PatchType; subresource?: 'status' } = {},
  ): Promise<KObject> {
    const patched = await this.client.json<KObject>(
      'PATCH',
      resourcePath(def, namespace, name, options.subresource),
      { body: patch, contentType: patchContentType[options.type ?? 'merge'] },
    )
    return this.#writeThrough(def, patched)
  }

  /**
   * Deletes an object. `finalized` says it is gone; otherwise it only got a deletionTimestamp
   * (finalizers, or a pod's grace period) and disappears when the watch says so.
   */
  async delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    options: {
      uid?: string
      resourceVersion?: string
      gracePeriodSeconds?: number
      propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'
    } = {},
  ): Promise<{ object: KObject; finalized: boolean }> {
    const preconditions = {
      ...(options.uid ? { uid: options.uid } : {}),
      ...(options.resourceVersion ? { resourceVersion: options.resourceVersion } : {}),
    }
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(Object.keys(preconditions).length ? { preconditions } : {}),
      ...(options.gracePeriodSeconds !== undefined
        ? { gracePeriodSeconds: options.gracePeriodSeconds }
        : {}),
      ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
    }
    const answer = await this.client.json<KObject>('DELETE', resourcePath(def, namespace, name), {
      body,
    })
    const object = answer.kind === 'Status' ? this.peek(def, namespace, name) : answer
    const pending =
      object !== undefined &&
      object.metadata.deletionTimestamp !== undefined &&
      ((object.metadata.finalizers ?? []).length > 0 ||
        (object.metadata.deletionGracePeriodSeconds ?? 0) > 0)
    const informer = this.#informers.get(resourceKey(def))
    if (!pending && informer) {
      const key = objectKey(def.namespaced ? namespace : undefined, name)
      if (informer.objects.delete(key)) informer.sortedKeys = undefined
    } else if (object && answer.kind !== 'Status') this.#writeThrough(def, object)
    return { object: clone(object ?? answer), finalized: !pending }
  }

  close(): void {
    this.#abort.abort()
    for (const informer of this.#informers.values()) informer.listeners.clear()
  }

  #informer(def: ResourceDef): Informer {
    const informer = this.#informers.get(resourceKey(def))
    if (!informer) throw new Error(`${def.plural}.${def.group} is not synced by this store`)
    return informer
  }

  #writeThrough(def: ResourceDef, object: KObject): KObject {
    const informer = this.#informers.get(resourceKey(def))
    if (informer) {
      const key = objectKey(
        def.namespaced ? object.metadata.namespace : undefined,
        object.metadata.name ?? '',
      )
      const cached = informer.objects.get(key)
      const deletedAt = informer.tombstones.get(key)
      if (!cached && deletedAt !== undefined && rvOf(object) <= deletedAt) return clone(object)
      if (!cached || rvOf(object) > rvOf(cached)) {
        if (!cached) informer.sortedKeys = undefined
        informer.objects.set(key, clone(object))
      }
    }
    return clone(object)
  }

  async #list(informer: Informer): Promise<void> {
    const list = await this.client.json<{
      items: KObject[]
      metadata: { resourceVersion: string }
    }>('GET', resourcePath(informer.def))
    const fresh = new Map<string, KObject>()
    for (const item of list.items) {
      item.apiVersion = apiVersionOf(informer.def)
      item.kind = informer.def.kind
      fresh.set(objectKey(item.metadata.namespace, item.metadata.name ?? ''), item)
    }
    // A relist after a lost watch reports what changed meanwhile, as a reflector's Replace does.
    const previous = informer.objects
    informer.objects = fresh
    informer.tombstones.clear()
    informer.sortedKeys = undefined
    informer.resourceVersion = list.metadata.resourceVersion
    this.#bump(list.metadata.resourceVersion)
    for (const [key, object] of fresh) {
      const before = previous.get(key)
      if (!before) this.#emit(informer, { type: 'ADDED', object, revision: this.#revision })
      else if (before.metadata.resourceVersion !== object.metadata.resourceVersion)
        this.#emit(informer, {
          type: 'MODIFIED',
          object,
          previous: before,
          revision: this.#revision,
        })
    }
    for (const [key, object] of previous)
      if (!fresh.has(key))
        this.#emit(informer, { type: 'DELETED', object, revision: this.#revision })
  }

  async #watchLoop(informer: Informer): Promise<void> {
    const signal = this.#abort.signal
    while (!signal.aborted) {
      try {
        const query = `?watch=1&allowWatchBookmarks=true&resourceVersion=${informer.resourceVersion}`
        await this.client.watch(
          resourcePath(informer.def) + query,
          (event) => this.#onEvent(informer, event),
          signal,
        )
        if (informer.relist && !signal.aborted) {
          informer.relist = false
          await this.#list(informer)
        }
      } catch (error) {
        if (signal.aborted) return
        if (!(error instanceof StatusError && error.code === 410)) await pause(500, signal)
        // 410 Gone (or a refused watch): list again from now.
        try {
          await this.#list(informer)
        } catch {
          await pause(500, signal)
        }
      }
    }
  }

  #onEvent(informer: Informer, event: WatchEvent): void {
    const object = event.object as unknown as KObject
    if (event.type === 'ERROR') {
      // kube-apiserver ends the stream after an ERROR event (410 Gone: the resourceVersion was
      // compacted): the loop relists.
      informer.relist = true
      return
    }
    informer.resourceVersion = object.metadata.resourceVersion ?? informer.resourceVersion
    this.#bump(informer.resourceVersion)
    if (event.type === 'BOOKMARK') return
    object.apiVersion = apiVersionOf(informer.def)
    object.kind = informer.def.kind
    const key = objectKey(
      informer.def.namespaced ? object.metadata.namespace : undefined,
      object.metadata.name ?? '',
    )
    const previous = informer.objects.get(key)
    if (event.type === 'DELETED') {
      if (informer.objects.delete(key)) informer.sortedKeys = undefined
      informer.tombstones.delete(key)
      informer.tombstones.set(key, rvOf(object))
      if (informer.tombstones.size > MAX_TOMBSTONES) {
        const oldest = informer.tombstones.keys().next()
        if (!oldest.done) informer.tombstones.delete(oldest.value)
      }
    } else {
      informer.tombstones.delete(key)
      if (!previous) informer.sortedKeys = undefined
      // A write-through may already hold this version or a newer one.
      if (!previous || rvOf(object) >= rvOf(previous)) informer.objects.set(key, object)
    }
    this.#emit(informer, {
      type: event.type,
      object,
      revision: this.#revision,
      ...(previous ? { previous } : {}),
    })
  }

  #emit(informer: Informer, event: StoreEvent): void {
    for (const listener of informer.listeners) {
      try {
        listener(event)
      } catch (error) {
        console.error(`cluster-sim: a ${informer.def.plural} listener failed:`, error)
      }
    }
  }

  #bump(resourceVersion: string): void {
    const rv = Number(resourceVersion)
    if (Number.isFinite(rv) && rv > this.#revision) this.#revision = rv
  }
}

export const apiVersionOf = (def: Pick<ResourceDef, 'group' | 'version'>) =>
  def.group ? `${def.group}/${def.version}` : def.version

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
