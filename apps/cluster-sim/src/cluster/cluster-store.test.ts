import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resource } from '../kube/registry.ts'
import type { StoreEvent } from '../kube/types.ts'
import { StatusError } from '../kube/status-error.ts'
import { ClusterStore } from './cluster-store.ts'
import { startControlPlane, type ControlPlane } from './control-plane.ts'
import { KubeClient } from './kube-client.ts'

const vmDef = resource('kubevirt.io/v1', 'VirtualMachine', 'virtualmachines', 'Namespaced')

let stateDir: string
let controlPlane: ControlPlane
let client: KubeClient
let store: ClusterStore
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-store-test-'))
  controlPlane = await startControlPlane({ stateDir })
  client = new KubeClient({
    url: controlPlane.info.url,
    ca: controlPlane.ca,
    token: controlPlane.info.tokens['cluster-sim'] ?? '',
  })
  store = new ClusterStore(client)
  await store.sync([vmDef])
})
afterAll(async () => {
  store.close()
  client.close()
  await controlPlane.stop()
  rmSync(stateDir, { recursive: true, force: true })
})

const vm = (name: string) => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: { name, namespace: 'default' },
  spec: { runStrategy: 'Halted', template: { spec: { domain: { devices: {} } } } },
})

describe('the simulator’s informer cache over the real kube-apiserver', () => {
  it('reads its own writes and then hears them from the watch', async () => {
    const events: StoreEvent[] = []
    store.watch(vmDef, 0, (event) => events.push(event))
    const created = await store.create(vmDef, vm('store-a'))
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/)
    expect(store.peek(vmDef, 'default', 'store-a')?.metadata.uid).toBe(created.metadata.uid)
    await expect
      .poll(() => events.map((e) => `${e.type} ${e.object.metadata.name}`))
      .toContain('ADDED store-a')
  })

  it('answers a stale update with the real 409 Conflict and keeps the newer object', async () => {
    const first = await store.create(vmDef, vm('store-b'))
    await store.patch(vmDef, 'default', 'store-b', { metadata: { labels: { a: '1' } } })
    const stale = { ...first, metadata: { ...first.metadata, labels: { a: '2' } } }
    const error = await store.update(vmDef, stale).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StatusError)
    expect((error as StatusError).code).toBe(409)
    expect(store.peek(vmDef, 'default', 'store-b')?.metadata.labels).toEqual({ a: '1' })
  })

  it('writes status through the status subresource only', async () => {
    const created = await store.create(vmDef, vm('store-c'))
    const withStatus = await store.update(
      vmDef,
      { ...created, status: { printableStatus: 'Stopped' } },
      { subresource: 'status' },
    )
    expect((withStatus.status as { printableStatus?: string }).printableStatus).toBe('Stopped')
  })

  it('forgets a deleted object at once and reports 404 for it after', async () => {
    await store.create(vmDef, vm('store-d'))
    const { finalized } = await store.delete(vmDef, 'default', 'store-d')
    expect(finalized).toBe(true)
    expect(store.peek(vmDef, 'default', 'store-d')).toBeUndefined()
    const error = await store.read(vmDef, 'default', 'store-d').catch((e: unknown) => e)
    expect((error as StatusError).code).toBe(404)
  })
})
