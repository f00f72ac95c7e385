import { randomBytes } from 'node:crypto'
import type { ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import type { ControllerStore } from '../controllers/controller-store.ts'
import { now } from './k8s-util.ts'

/**
 * Records core/v1 Events the way client-go's event recorder does: one object per
 * (involved object, reason, message), its `count` and `lastTimestamp` bumped on repeats.
 * As client-go's broadcaster, recording never blocks the caller: the write happens in the
 * background (writes for the same event one after another, so repeats count up instead of
 * racing to create twins), and a failed write is logged, not thrown.
 */
export class EventRecorder {
  readonly #store: ControllerStore
  readonly #def: ResourceDef
  /** (uid|reason|message) → the Event's name once created. */
  readonly #seen = new Map<string, string>()
  /** (uid|reason|message) → the last write queued for it. */
  readonly #writing = new Map<string, Promise<void>>()

  constructor(store: ControllerStore, def: ResourceDef) {
    this.#store = store
    this.#def = def
  }

  record(
    object: KObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
  ): void {
    const meta = object.metadata
    const key = `${meta.uid}|${reason}|${message}`
    // What the event says is fixed now: the caller may go on changing `object`.
    const time = now()
    const event: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: '', namespace: meta.namespace ?? 'default' },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
      reason,
      message,
      source: { component },
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: '',
    }
    const previous = this.#writing.get(key) ?? Promise.resolve()
    const next: Promise<void> = previous
      .then(() => this.#write(key, meta.name ?? 'object', event))
      .catch((error: unknown) => console.error('cluster-sim: could not record an event:', error))
      .finally(() => {
        if (this.#writing.get(key) === next) this.#writing.delete(key)
      })
    this.#writing.set(key, next)
  }

  /** Resolves once every event recorded so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.#writing.size > 0) await Promise.all([...this.#writing.values()])
  }

  async #write(key: string, objectName: string, event: KObject): Promise<void> {
    const namespace = event.metadata.namespace
    const existing = this.#seen.get(key)
    if (existing) {
      const current = this.#store.peek(this.#def, namespace, existing)
      if (current) {
        const next = structuredClone(current)
        next.count = ((current.count as number | undefined) ?? 1) + 1
        next.lastTimestamp = event.lastTimestamp
        await this.#store.update(this.#def, next)
        return
      }
    }
    const name = `${objectName}.${randomBytes(8).toString('hex')}`
    await this.#store.create(this.#def, { ...event, metadata: { name, namespace } })
    this.#seen.set(key, name)
  }
}
