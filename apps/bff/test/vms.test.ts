import type { VmList } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, login, waitUntil, type TestStack } from './helper.ts'

let stack: TestStack
let cookie: string
beforeAll(async () => {
  stack = await buildStack()
  cookie = await login(stack.app, 'viewer')
})
afterAll(() => stack.close())

const list = async (query = '') => {
  const response = await stack.app.inject({
    url: `/api/v1/clusters/vmdeck-sim/vms${query}`,
    headers: { cookie },
  })
  return { status: response.statusCode, body: response.json<VmList & { message?: string }>() }
}

describe('GET /api/v1/clusters/{cluster}/vms', () => {
  it('lists the cluster VMs as summaries, sorted by name', async () => {
    const { status, body } = await list()
    expect(status).toBe(200)
    const seeded = stack.sim.store.list(
      stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!,
    ).items
    expect(body.total).toBe(seeded.length)
    const names = body.items.map((vm) => vm.name)
    expect(names).toEqual([...names].sort())
    expect(body.items.find((vm) => vm.name === 'web-01')).toMatchObject({
      namespace: 'prod',
      status: 'Running',
      ready: true,
    })
    expect(body.items.find((vm) => vm.name === 'build-runner')).toMatchObject({
      status: 'Stopped',
      ready: false,
    })
  })

  it('never returns raw Kubernetes objects', async () => {
    const { body } = await list()
    expect(body.items[0]).not.toHaveProperty('spec')
    expect(body.items[0]).not.toHaveProperty('metadata')
  })

  it('filters by namespace, status and search, and pages with a cursor', async () => {
    expect((await list('?namespace=prod')).body.items.every((vm) => vm.namespace === 'prod')).toBe(
      true,
    )
    expect((await list('?status=Stopped')).body.items.map((vm) => vm.name).sort()).toEqual([
      'build-runner',
      'sandbox',
    ])
    expect((await list('?search=WEB')).body.items.map((vm) => vm.name)).toEqual([
      'web-01',
      'web-02',
    ])
    const first = await list('?limit=2&sort=-name')
    expect(first.body.items.map((vm) => vm.name)).toEqual(['web-02', 'web-01'])
    const second = await list(`?limit=2&sort=-name&cursor=${first.body.nextCursor}`)
    expect(second.body.items.map((vm) => vm.name)).toEqual(['sandbox', 'jumpbox'])
  })

  it('counts VMs per status for the facets, with every filter but status applied', async () => {
    const all = await list('?namespace=dev')
    const stopped = await list('?namespace=dev&status=Stopped')
    expect(stopped.body.counts).toEqual(all.body.counts)
    const counts = all.body.counts ?? {}
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(all.body.total)
    expect(counts.Stopped ?? 0).toBe(stopped.body.total)
  })

  it('searches label keys and values, IP addresses and the guest OS too', async () => {
    expect((await list('?search=tier%3Ddb')).body.items.map((vm) => vm.name)).toEqual(['db-01'])
    await waitUntil(
      () => Boolean(stack.app.clusters.get('vmdeck-sim')?.vms.get('prod', 'web-01')?.ips[0]),
      15_000,
    )
    const ip = stack.app.clusters.get('vmdeck-sim')!.vms.get('prod', 'web-01')!.ips[0]!
    expect((await list(`?search=${ip}`)).body.items.map((vm) => vm.name)).toContain('web-01')
  })

  it('answers bad input with a 400 and an actionable message', async () => {
    expect((await list('?limit=0')).status).toBe(400)
    expect((await list('?sort=bogus')).status).toBe(400)
    const cursor = await list('?cursor=garbage')
    expect(cursor.status).toBe(400)
    expect(cursor.body.message).toMatch(/cursor/)
  })

  it('answers 404 for a cluster it does not know', async () => {
    const response = await stack.app.inject({
      url: '/api/v1/clusters/nope/vms',
      headers: { cookie },
    })
    expect(response.statusCode).toBe(404)
    expect(response.json().message).toMatch(/no cluster "nope"/)
  })

  it('reflects a change made through the Kubernetes API', async () => {
    const def = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
    const vm = stack.sim.store.get(def, 'dev', 'build-runner')
    await stack.sim.store.update(def, {
      ...vm,
      spec: { ...(vm.spec as object), runStrategy: 'Always' },
    })
    await waitUntil(
      () =>
        stack.app.clusters.get('vmdeck-sim')?.vms.get('dev', 'build-runner')?.status === 'Running',
    )
    const { body } = await list('?search=build-runner')
    expect(body.items[0]?.status).toBe('Running')
  })
})
