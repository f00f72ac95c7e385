// One storage controller's loop: its own work queue over the kinds it reconciles, fed by their
// watch events, as each controller of a real cluster has its informers and its queue.
import type { ResourceDef } from '../kube/registry.ts'
import type { KObject, StoreEvent } from '../kube/types.ts'
import { keyOf } from '../kubevirt/k8s-util.ts'
import { WorkQueue } from '../kubevirt/work-queue.ts'
import type { ControllerStore } from './controller-store.ts'

/** A kind the controller reconciles (undefined: not served on this cluster). */
export interface LoopKind {
  def: ResourceDef | undefined
  reconcile(key: string): Promise<void>
  /** Handles a deletion instead of queuing the key (work the object's reconcile cannot see). */
  deleted?(object: KObject): void
}

/**
 * After another (or the same) controller reconciled an object of `after`, what this controller
 * queues: the objects waiting on it. A wake follows a reconcile that succeeded, not a watch
 * event, so it sees the state the reconcile left.
 */
export interface LoopWake {
  after: ResourceDef | undefined
  wake(namespace: string, name: string): void
}

/** A kind the controller watches for other reasons than reconciling it. */
export interface LoopWatch {
  def: ResourceDef | undefined
  changed(event: StoreEvent): void
}

export interface LoopSpec {
  /** The queue's name in the log. */
  name: string
  kinds: LoopKind[]
  wakes?: LoopWake[]
  watches?: LoopWatch[]
}

type ServedKind = LoopKind & { def: ResourceDef }

const keyOfObject = (o: KObject) => keyOf(o.metadata.namespace, o.metadata.name ?? '')

export class StorageLoop {
  readonly queue: WorkQueue
  readonly wakes: LoopWake[]
  readonly #kinds: ServedKind[]
  readonly #watches: LoopWatch[]
  #unwatch: (() => void)[] = []

  /** `reconciled` runs after each reconcile that succeeded (the other loops' wakes). */
  constructor(spec: LoopSpec, reconciled: (def: ResourceDef, key: string) => void) {
    this.#kinds = spec.kinds.filter((k): k is ServedKind => k.def !== undefined)
    this.wakes = spec.wakes ?? []
    this.#watches = spec.watches ?? []
    this.queue = new WorkQueue(spec.name, async (item) => {
      const i = item.indexOf('|')
      const kind = this.#kinds.find((k) => k.def.plural === item.slice(0, i))
      if (!kind) return
      const key = item.slice(i + 1)
      await kind.reconcile(key)
      reconciled(kind.def, key)
    })
  }

  owns(def: ResourceDef): boolean {
    return this.#kinds.some((k) => k.def === def)
  }

  add(def: ResourceDef, key: string): void {
    this.queue.add(`${def.plural}|${key}`)
  }

  /** Watches the kinds (queuing every object there is now) and the other watched kinds. */
  start(store: Pick<ControllerStore, 'revision' | 'watch' | 'list'>): void {
    for (const kind of this.#kinds) {
      this.#unwatch.push(
        store.watch(kind.def, store.revision, (e) => {
          if (e.type === 'DELETED' && kind.deleted) kind.deleted(e.object)
          else this.add(kind.def, keyOfObject(e.object))
        }),
      )
      for (const o of store.list(kind.def).items) this.add(kind.def, keyOfObject(o))
    }
    for (const watch of this.#watches)
      if (watch.def)
        this.#unwatch.push(store.watch(watch.def, store.revision, (e) => watch.changed(e)))
  }

  /** Stops watching; resolves once the batch under way has finished. */
  async stop(): Promise<void> {
    for (const stop of this.#unwatch) stop()
    this.#unwatch = []
    await this.queue.stop()
  }
}
