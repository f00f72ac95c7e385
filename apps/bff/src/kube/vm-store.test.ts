import type { KubernetesObject } from '@kubernetes/client-node'
import type { VmChange } from '@vmdeck/shared'
import { describe, expect, it } from 'vitest'
import type { ListWatch } from './list-watch.ts'
import { VmStore } from './vm-store.ts'

type Listener = (object: KubernetesObject) => void

/** A list-watch the test drives: `fire` is what a watch event would do. */
function fakeCache() {
  const listeners = { add: [] as Listener[], update: [] as Listener[], delete: [] as Listener[] }
  const cache = {
    on: (event: 'add' | 'update' | 'delete', cb: Listener) => listeners[event].push(cb),
    synced: true,
    loading: false,
    start: async () => undefined,
    stop: async () => undefined,
  } as unknown as ListWatch<unknown>
  const fire = (event: 'add' | 'update' | 'delete', object: KubernetesObject) => {
    for (const listener of listeners[event]) listener(object)
  }
  return { cache, fire }
}

const vm = (name: string, labels: Record<string, string> = {}) => ({
  metadata: { namespace: 'prod', name, uid: `u-${name}`, labels },
  spec: { runStrategy: 'Always' },
  status: { printableStatus: 'Running', ready: true },
})
const vmi = (name: string, node: string) => ({
  metadata: { namespace: 'prod', name },
  status: { nodeName: node, interfaces: [{ ipAddress: '10.0.0.9' }] },
})

describe('VmStore', () => {
  it('joins a VM with its VMI whichever arrives first, and keeps only rows', async () => {
    const vms = fakeCache()
    const vmis = fakeCache()
    const fetched: string[] = []
    const store = new VmStore(vms.cache, vmis.cache, async (namespace, name) => {
      fetched.push(`${namespace}/${name}`)
      return { vm: vm(name) }
    })
    const changes: VmChange[] = []
    store.subscribe((change) => changes.push(change))

    vmis.fire('add', vmi('a', 'node-1')) // before its VM: no row yet, kept for the VM
    expect(changes).toEqual([])
    vms.fire('add', vm('a'))
    expect(store.get('prod', 'a')).toMatchObject({ node: 'node-1', ips: ['10.0.0.9'] })

    vms.fire('update', vm('a', { tier: 'web' })) // the VM changes: the VMI's columns stay
    expect(store.get('prod', 'a')).toMatchObject({ node: 'node-1', labels: { tier: 'web' } })

    vmis.fire('update', vmi('a', 'node-2')) // the VMI changes: the VM's columns stay
    expect(store.get('prod', 'a')).toMatchObject({ node: 'node-2', labels: { tier: 'web' } })

    vmis.fire('delete', vmi('a', 'node-2'))
    expect(store.get('prod', 'a')?.node).toBeUndefined()
    expect(store.get('prod', 'a')?.ips).toEqual([])

    vmis.fire('update', vmi('a', 'node-2'))
    vmis.fire('update', vmi('a', 'node-2')) // no change to the row: no event
    expect(changes.filter((c) => c.type === 'upsert')).toHaveLength(5)

    // The objects of one VM come from the API server, and only for a VM the cache knows.
    expect(await store.objects('prod', 'a')).toEqual({ vm: vm('a') })
    expect(await store.objects('prod', 'nope')).toEqual({})
    expect(fetched).toEqual(['prod/a'])

    vms.fire('delete', vm('a'))
    expect(changes.at(-1)).toEqual({ type: 'delete', namespace: 'prod', name: 'a' })
    expect(store.size).toBe(0)
  })

  it('is loading while a first list comes in, and only then', () => {
    const vms = fakeCache()
    const vmis = fakeCache()
    const state = (c: ListWatch<unknown>, synced: boolean, loading: boolean) =>
      Object.assign(c, { synced, loading })
    const store = new VmStore(vms.cache, vmis.cache, async () => ({}))
    state(vms.cache, true, false)
    state(vmis.cache, false, true)
    expect([store.synced, store.loading]).toEqual([false, true])
    state(vmis.cache, true, false)
    expect([store.synced, store.loading]).toEqual([true, false])
    // Down after an error: not synced, and not loading either (routes answer 503).
    state(vms.cache, false, false)
    expect([store.synced, store.loading]).toEqual([false, false])
  })
})
