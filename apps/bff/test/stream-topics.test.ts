import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, login, waitUntil, type TestStack } from './helper.ts'
import { events } from './sse.ts'

let stack: TestStack
let base: string
beforeAll(async () => {
  stack = await buildStack()
  base = await stack.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(() => stack.close())

async function open(user: string, topics: string) {
  const controller = new AbortController()
  const response = await fetch(
    `${base}/api/v1/clusters/vmdeck-sim/events/stream?topics=${topics}`,
    {
      headers: { cookie: await login(stack.app, user) },
      signal: controller.signal,
    },
  )
  const stream = events(response.body!)
  return { stream, close: () => controller.abort() }
}

const nodeDef = () => stack.sim.registry.find('', 'v1', 'nodes')!
async function label(node: string, value: string) {
  const current = stack.sim.store.get(nodeDef(), '', node)
  await stack.sim.store.update(nodeDef(), {
    ...current,
    metadata: { ...current.metadata, labels: { ...current.metadata.labels, mark: value } },
  })
}

describe('stream topics', () => {
  it('pushes node changes to users who may list nodes, not to others', async () => {
    const admin = await open('admin', 'nodes,vms')
    const viewer = await open('viewer', 'nodes,vms')
    expect((await admin.stream.next()).value).toEqual({
      event: 'sync',
      data: { topics: ['nodes', 'vms'] },
    })
    expect((await viewer.stream.next()).value?.event).toBe('sync')
    await label('node-2', 'one')
    let seen: unknown
    for await (const message of admin.stream) {
      const data = message.data as { node?: { name: string; labels: Record<string, string> } }
      if (message.event === 'nodes' && data.node?.labels.mark === 'one') {
        seen = data
        break
      }
    }
    expect(seen).toMatchObject({ type: 'upsert', node: { name: 'node-2', schedulable: true } })
    admin.close()
    // The viewer (kubevirt.io:view, no nodes) gets the VM change that follows, but no node event.
    await label('node-2', 'two')
    const vmDef = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
    const vm = stack.sim.store.get(vmDef, 'dev', 'sandbox')
    await stack.sim.store.update(vmDef, {
      ...vm,
      metadata: { ...vm.metadata, labels: { mark: 'x' } },
    })
    const kinds: string[] = []
    for await (const message of viewer.stream) {
      kinds.push(message.event)
      const data = message.data as { vm?: { name: string; labels: Record<string, string> } }
      if (data.vm?.labels.mark === 'x') break
    }
    viewer.close()
    expect(kinds).not.toContain('nodes')
  })

  it('pushes migrations as they progress', async () => {
    const admin = await open('admin', 'migrations')
    expect((await admin.stream.next()).value?.event).toBe('sync')
    const def = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstancemigrations')!
    await waitUntil(
      () => stack.app.clusters.get('vmdeck-sim')?.vms.get('prod', 'db-01')?.status === 'Running',
      15_000,
    )
    await stack.sim.store.create(def, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceMigration',
      metadata: { name: 'move-db', namespace: 'prod' },
      spec: { vmiName: 'db-01' },
    })
    const phases: string[] = []
    for await (const message of admin.stream) {
      const data = message.data as { migration?: { name: string; phase: string } }
      if (data.migration?.name !== 'move-db') continue
      phases.push(data.migration.phase)
      if (data.migration.phase === 'Succeeded' || data.migration.phase === 'Failed') break
    }
    admin.close()
    expect(phases.at(-1)).toBe('Succeeded')
    expect(phases.length).toBeGreaterThan(1)
  })

  it('keeps the stream and the caches through a simulator restart', async () => {
    const viewer = await open('viewer', 'vms')
    expect((await viewer.stream.next()).value?.event).toBe('sync')
    const cluster = stack.app.clusters.get('vmdeck-sim')!
    await stack.restartSim()
    // While the API server was away the VM routes said so (503); once the informers have
    // relisted from the new server, a change made there reaches the stream that stayed open.
    const def = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
    const vm = stack.sim.store.get(def, 'dev', 'sandbox')
    await stack.sim.store.update(def, {
      ...vm,
      metadata: { ...vm.metadata, labels: { after: 'restart' } },
    })
    for await (const message of viewer.stream) {
      const data = message.data as { vm?: { name: string; labels: Record<string, string> } }
      if (data.vm?.name === 'sandbox' && data.vm.labels.after === 'restart') break
    }
    viewer.close()
    await waitUntil(() => cluster.vms.synced, 15_000)
    const cookie = await login(stack.app, 'viewer')
    const list = await stack.app.inject({
      url: '/api/v1/clusters/vmdeck-sim/vms',
      headers: { cookie },
    })
    expect(list.statusCode).toBe(200)
    const names = list.json<{ items: { name: string }[] }>().items.map((v) => v.name)
    expect(names.filter((n) => n === 'web-01')).toHaveLength(1)
    expect(names.length).toBe(stack.sim.store.list(def).items.length)
    // A restart waits out kube-apiserver's graceful shutdown (~27 s) before the new one starts.
  }, 90_000)
})

describe('a watch that cannot resume', () => {
  it('relists and delivers a change made while the watches were cut and the API server restarted', async () => {
    const viewer = await open('viewer', 'vms')
    expect((await viewer.stream.next()).value?.event).toBe('sync')
    const def = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
    // Cut the BFF off, change a VM, restart kube-apiserver (its watch cache starts at the newest
    // resourceVersion), let the BFF back: its informer resumes from a resourceVersion the new
    // watch cache does not hold, gets 410 Expired, relists, and only then sees the change.
    await stack.network.cut()
    const vm = stack.sim.store.get(def, 'prod', 'db-01')
    await stack.sim.store.update(def, {
      ...vm,
      metadata: { ...vm.metadata, labels: { seen: 'after-410' } },
    })
    await stack.restartSim()
    await stack.network.resume()
    for await (const message of viewer.stream) {
      const data = message.data as { vm?: { name: string; labels: Record<string, string> } }
      if (data.vm?.name === 'db-01' && data.vm.labels.seen === 'after-410') break
    }
    viewer.close()
    const cluster = stack.app.clusters.get('vmdeck-sim')!
    expect(cluster.vms.get('prod', 'db-01')?.labels.seen).toBe('after-410')
    // Nothing was lost or duplicated by the relist.
    const names = [...cluster.vms.summaries()].map((v) => `${v.namespace}/${v.name}`)
    expect(new Set(names).size).toBe(names.length)
    expect(names.length).toBe(stack.sim.store.list(def).items.length)
  }, 90_000)
})

describe('GET /api/docs', () => {
  it('serves an OpenAPI document generated from the route schemas', async () => {
    const cookie = await login(stack.app, 'viewer')
    const response = await stack.app.inject({ url: '/api/docs', headers: { cookie } })
    expect(response.statusCode).toBe(200)
    const doc = response.json<{ openapi: string; paths: Record<string, unknown> }>()
    expect(doc.openapi).toMatch(/^3\./)
    for (const path of [
      '/api/v1/clusters/{cluster}/vms',
      '/api/v1/clusters/{cluster}/namespaces/{namespace}/vms/{name}',
      '/api/v1/clusters/{cluster}/namespaces/{namespace}/vms/{name}/{action}',
      '/api/v1/clusters/{cluster}/namespaces/{namespace}/vms/{name}/snapshots',
      '/api/v1/clusters/{cluster}/nodes/{node}/{action}',
      '/api/v1/clusters/{cluster}/permissions',
    ])
      expect(Object.keys(doc.paths)).toContain(path)
  })
})
