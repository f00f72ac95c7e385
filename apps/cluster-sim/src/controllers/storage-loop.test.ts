// One storage controller's loop without a cluster: a store that only lists and watches, and
// reconcilers that record what they were given.
import { describe, expect, it } from 'vitest'
import { resource, type ResourceDef } from '../kube/registry.ts'
import type { KObject, StoreEvent } from '../kube/types.ts'
import type { ControllerStore } from './controller-store.ts'
import { StorageLoop } from './storage-loop.ts'

const pvc = resource('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', 'Namespaced')
const pv = resource('v1', 'PersistentVolume', 'persistentvolumes', 'Cluster')
const vmi = resource(
  'kubevirt.io/v1',
  'VirtualMachineInstance',
  'virtualmachineinstances',
  'Namespaced',
)

const object = (namespace: string | undefined, name: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Any',
  metadata: { name, ...(namespace ? { namespace } : {}) },
})

/** Lists what it was given; `emit` plays a watch event to the listeners of a kind. */
function fakeStore(initial: Map<ResourceDef, KObject[]>) {
  const listeners = new Map<ResourceDef, Set<(e: StoreEvent) => void>>()
  const store: Pick<ControllerStore, 'revision' | 'watch' | 'list'> = {
    revision: 1,
    list: (def) => ({ items: initial.get(def) ?? [], revision: 1 }),
    watch(def, _from, listener) {
      const set = listeners.get(def) ?? new Set()
      set.add(listener)
      listeners.set(def, set)
      return () => set.delete(listener)
    },
  }
  const emit = (def: ResourceDef, type: StoreEvent['type'], o: KObject) => {
    for (const listener of listeners.get(def) ?? []) listener({ type, object: o, revision: 2 })
  }
  return { store, emit, watching: (def: ResourceDef) => listeners.get(def)?.size ?? 0 }
}

/** Resolves with the next `count` values `record` is called with. */
function recorder<T>(count: number) {
  const seen: T[] = []
  let done: (values: T[]) => void = () => {}
  const all = new Promise<T[]>((resolve) => (done = resolve))
  return {
    all,
    record(value: T) {
      seen.push(value)
      if (seen.length === count) done([...seen])
    },
  }
}

describe('StorageLoop', () => {
  it('reconciles what there is and what changes, each kind with its own reconciler', async () => {
    const { store, emit } = fakeStore(new Map([[pvc, [object('prod', 'data')]]]))
    const calls = recorder<string>(3)
    const loop = new StorageLoop(
      {
        name: 'provisioner',
        kinds: [
          { def: pvc, reconcile: async (key) => calls.record(`claim ${key}`) },
          { def: pv, reconcile: async (key) => calls.record(`volume ${key}`) },
        ],
      },
      () => {},
    )
    loop.start(store)
    emit(pv, 'ADDED', object(undefined, 'pv-1'))
    emit(pvc, 'MODIFIED', object('dev', 'scratch'))
    expect(await calls.all).toEqual(['claim prod/data', 'volume /pv-1', 'claim dev/scratch'])
    expect(loop.owns(pvc)).toBe(true)
    expect(loop.owns(vmi)).toBe(false)
    await loop.stop()
  })

  it('tells of each reconcile that succeeded, not of one that failed', async () => {
    const { store, emit } = fakeStore(new Map())
    const reconciled = recorder<string>(1)
    const attempts = recorder<string>(2)
    const loop = new StorageLoop(
      {
        name: 'datavolume',
        kinds: [
          {
            def: pvc,
            reconcile: async (key) => {
              attempts.record(key)
              if (key.endsWith('broken')) throw new Error('refused')
            },
          },
        ],
      },
      (def, key) => reconciled.record(`${def.plural} ${key}`),
    )
    loop.start(store)
    const logged = console.error
    console.error = () => {} // the queue logs the failure it retries
    try {
      emit(pvc, 'ADDED', object('prod', 'broken'))
      emit(pvc, 'ADDED', object('prod', 'fine'))
      expect(await attempts.all).toEqual(['prod/broken', 'prod/fine'])
      expect(await reconciled.all).toEqual(['persistentvolumeclaims prod/fine'])
    } finally {
      await loop.stop()
      console.error = logged
    }
  })

  it("hands a deletion to the kind's own handler, and other kinds' events to its watches", async () => {
    const { store, emit, watching } = fakeStore(new Map())
    const seen = recorder<string>(2)
    const loop = new StorageLoop(
      {
        name: 'vm-snapshot',
        kinds: [
          {
            def: pvc,
            reconcile: async (key) => seen.record(`reconcile ${key}`),
            deleted: (o) => seen.record(`deleted ${o.metadata.name}`),
          },
        ],
        watches: [
          { def: vmi, changed: (e) => seen.record(`${e.type} vmi ${e.object.metadata.name}`) },
        ],
      },
      () => {},
    )
    loop.start(store)
    emit(pvc, 'DELETED', object('prod', 'old'))
    emit(vmi, 'DELETED', object('prod', 'web-01'))
    expect(await seen.all).toEqual(['deleted old', 'DELETED vmi web-01'])
    await loop.stop()
    expect(watching(pvc) + watching(vmi)).toBe(0)
  })
})
