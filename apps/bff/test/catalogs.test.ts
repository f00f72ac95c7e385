import type {
  CatalogDataSourceList,
  CatalogNameList,
  CatalogNetworkList,
  CatalogSizingList,
  CatalogStorageClassList,
} from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, buildStack, C, login, type TestStack } from './helper.ts'

let stack: TestStack
let admin: ReturnType<typeof as>
let viewer: ReturnType<typeof as>
beforeAll(async () => {
  stack = await buildStack()
  admin = as(stack.app, await login(stack.app, 'admin'))
  viewer = as(stack.app, await login(stack.app, 'viewer'))
})
afterAll(() => stack.close())

const secrets = () => stack.sim.registry.find('', 'v1', 'secrets')!

describe('catalogs', () => {
  it('lists instancetypes with their size, preferences, storage classes and DataSources', async () => {
    const types = await admin.get<CatalogSizingList>(`${C}/catalogs/instancetypes?namespace=prod`)
    expect(types.status).toBe(200)
    expect(types.body.items).toContainEqual(
      expect.objectContaining({ name: 'u1.small', clusterScoped: true, cpus: 1, memory: '2Gi' }),
    )
    const prefs = await admin.get<CatalogSizingList>(`${C}/catalogs/preferences`)
    expect(prefs.body.items.length).toBeGreaterThan(0)
    expect(prefs.body.items.every((p) => p.clusterScoped)).toBe(true)
    const classes = await admin.get<CatalogStorageClassList>(`${C}/catalogs/storageclasses`)
    expect(classes.body.items).toContainEqual(
      expect.objectContaining({ name: 'local-path', isDefault: true }),
    )
    const sources = await admin.get<CatalogDataSourceList>(`${C}/catalogs/datasources`)
    expect(sources.status).toBe(200)
    for (const source of sources.body.items) expect(typeof source.ready).toBe('boolean')
  })

  it('lists the VLAN networks of a namespace', async () => {
    const { body } = await admin.get<CatalogNetworkList>(`${C}/catalogs/networks?namespace=prod`)
    expect(body.items).toContainEqual({
      namespace: 'prod',
      name: 'vlan100-net',
      type: 'bridge',
      vlan: 100,
    })
  })

  it('creates a VLAN network and a range, refuses VLAN IDs outside 1–4094', async () => {
    const one = await admin.post<CatalogNetworkList>(`${C}/namespaces/dev/networks/vlan`, {
      prefix: 'lab',
      vlan: 42,
    })
    expect(one.status).toBe(201)
    expect(one.body.items).toEqual([{ namespace: 'dev', name: 'lab-42', type: 'bridge', vlan: 42 }])
    const range = await admin.post<CatalogNetworkList>(`${C}/namespaces/dev/networks/vlan`, {
      prefix: 'rack',
      vlan: 300,
      lastVlan: 302,
    })
    expect(range.body.items.map((n) => n.name)).toEqual(['rack-300', 'rack-301', 'rack-302'])
    const listed = await admin.get<CatalogNetworkList>(`${C}/catalogs/networks?namespace=dev`)
    expect(listed.body.items.map((n) => n.name)).toEqual(
      expect.arrayContaining(['lab-42', 'rack-301']),
    )
    for (const vlan of [0, 4095]) {
      const bad = await admin.post(`${C}/namespaces/dev/networks/vlan`, { prefix: 'bad', vlan })
      expect(bad.status).toBe(400)
      expect(bad.body).toMatchObject({ code: 'VLAN_OUT_OF_RANGE' })
    }
    expect(
      (await viewer.post(`${C}/namespaces/dev/networks/vlan`, { prefix: 'v', vlan: 7 })).status,
    ).toBe(403)
  })

  it('refuses to delete a network a VM uses, deletes one no VM uses', async () => {
    const used = await admin.del(`${C}/namespaces/prod/networks/vlan100-net`)
    expect(used.status).toBe(409)
    expect(used.body).toMatchObject({ code: 'NETWORK_IN_USE' })
    expect(String(used.body.message)).toMatch(/in use by/)
    await admin.post(`${C}/namespaces/dev/networks/vlan`, { prefix: 'gone', vlan: 9 })
    expect((await viewer.del(`${C}/namespaces/dev/networks/gone-9`)).status).toBe(403)
    expect((await admin.del(`${C}/namespaces/dev/networks/gone-9`)).status).toBe(202)
    const listed = await admin.get<CatalogNetworkList>(`${C}/catalogs/networks?namespace=dev`)
    expect(listed.body.items.map((n) => n.name)).not.toContain('gone-9')
  })

  it('names the SSH key Secrets of a namespace and nothing of their content', async () => {
    const key = Buffer.from('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0a me@vmdeck').toString('base64')
    await stack.sim.store.create(secrets(), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'my-keys', namespace: 'dev' },
      data: { key },
    })
    await stack.sim.store.create(secrets(), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db-password', namespace: 'dev' },
      data: { password: Buffer.from('hunter2').toString('base64') },
    })
    const { status, body } = await admin.get<CatalogNameList>(
      `${C}/catalogs/ssh-keys?namespace=dev`,
    )
    expect(status).toBe(200)
    expect(body.items).toEqual([{ name: 'my-keys' }])
    expect(JSON.stringify(body)).not.toContain(key)
    expect((await viewer.get(`${C}/catalogs/ssh-keys?namespace=dev`)).status).toBe(403)
  })
})
