import { randomBytes } from 'node:crypto'
import type { ObjectStore } from '../apiserver/object-store.ts'
import type { ResourceDef } from '../apiserver/registry.ts'
import type { KObject } from '../apiserver/types.ts'
import { now } from './k8s-util.ts'

/**
 * Records core/v1 Events the way client-go's event recorder does: one object per
 * (involved object, reason, message), its `count` and `lastTimestamp` bumped on repeats.
 */
export class EventRecorder {
  readonly #store: ObjectStore
  readonly #def: ResourceDef
  readonly #seen = new Map<string, string>()

  constructor(store: ObjectStore, def: ResourceDef) {
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
    const namespace = meta.namespace ?? 'default'
    const key = `${meta.uid}|${reason}|${message}`
    const time = now()
    try {
      const existing = this.#seen.get(key)
      if (existing) {
        const current = this.#store.peek(this.#def, namespace, existing)
        if (current) {
          const next = structuredClone(current)
          next.count = ((current.count as number | undefined) ?? 1) + 1
          next.lastTimestamp = time
          this.#store.update(this.#def, next)
          return
        }
      }
      const name = `${meta.name ?? 'object'}.${randomBytes(8).toString('hex')}`
      this.#store.create(this.#def, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
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
      })
      this.#seen.set(key, name)
    } catch (error) {
      console.error('cluster-sim: could not record an event:', error)
    }
  }
}
