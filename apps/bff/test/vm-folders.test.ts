import type { VmFolderList, VmList } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, C, login, ORIGIN, vmUrl, waitUntil, type TestStack } from './helper.ts'

let stack: TestStack
let admin: string
beforeAll(async () => {
  stack = await buildStack()
  admin = await login(stack.app, 'admin')
})
afterAll(() => stack.close())

const move = (cookie: string, namespace: string, name: string, folder: string | null) =>
  stack.app.inject({
    method: 'PATCH',
    url: `${vmUrl(namespace, name)}/folder`,
    headers: { cookie, origin: ORIGIN },
    payload: { folder },
  })
const get = <T>(url: string, cookie: string) =>
  stack.app.inject({ url, headers: { cookie } }).then((r) => r.json<T>())
const label = (namespace: string, name: string) => {
  const def = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
  const vm = stack.sim.store.get(def, namespace, name) as { metadata: { labels?: object } }
  return (vm.metadata.labels as Record<string, string> | undefined)?.['vmdeck.io/folder']
}

describe('folders', () => {
  it('moves VMs into a nested folder by their label, and counts and filters by it', async () => {
    for (const name of ['web-01', 'web-02'])
      expect((await move(admin, 'prod', name, 'shop/web')).statusCode).toBe(204)
    expect((await move(admin, 'prod', 'db-01', 'shop')).statusCode).toBe(204)
    // The simulator's store reads through an informer: the change arrives shortly.
    await waitUntil(() => label('prod', 'web-01') === 'shop.web')
    const cache = stack.app.clusters.get('vmdeck-sim')!.vms
    await waitUntil(() => cache.get('prod', 'web-02')?.labels['vmdeck.io/folder'] === 'shop.web')
    await waitUntil(() => cache.get('prod', 'db-01')?.labels['vmdeck.io/folder'] === 'shop')
    const folders = await get<VmFolderList>(`${C}/vms/folders`, admin)
    const web = folders.items.find((f) => f.namespace === 'prod' && f.path === 'shop/web')
    expect(Object.values(web?.counts ?? {}).reduce((a, b) => a + b, 0)).toBe(2)
    expect(folders.items.find((f) => f.path === 'shop')?.counts).toBeDefined()
    // A folder holds its subfolders' VMs too.
    const listed = await get<VmList>(`${C}/vms?folder=shop`, admin)
    expect(listed.items.map((vm) => vm.name).sort()).toEqual(['db-01', 'web-01', 'web-02'])
    const searched = await get<VmList>(
      `${C}/vms?search=${encodeURIComponent('folder:shop/web')}`,
      admin,
    )
    expect(searched.items.map((vm) => vm.name)).toEqual(['web-01', 'web-02'])
  })

  it('takes a VM out of its folder', async () => {
    expect((await move(admin, 'prod', 'db-01', null)).statusCode).toBe(204)
    await waitUntil(() => label('prod', 'db-01') === undefined)
    const cache = stack.app.clusters.get('vmdeck-sim')!.vms
    await waitUntil(() => cache.get('prod', 'db-01')?.labels['vmdeck.io/folder'] === undefined)
    const listed = await get<VmList>(`${C}/vms?folder=shop`, admin)
    expect(listed.items.map((vm) => vm.name)).toEqual(['web-01', 'web-02'])
  })

  it('refuses a path no label can hold, and a user without patch on the VM', async () => {
    const bad = await move(admin, 'prod', 'web-01', 'shop.web')
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'INVALID_FOLDER' })
    expect(
      (await stack.app.inject({ url: `${C}/vms?folder=a//b`, headers: { cookie: admin } }))
        .statusCode,
    ).toBe(400)
    const viewer = await login(stack.app, 'viewer')
    const refused = await move(viewer, 'prod', 'web-01', 'elsewhere')
    expect(refused.statusCode).toBe(403)
    expect(label('prod', 'web-01')).toBe('shop.web')
    expect((await move(viewer, 'prod', 'no-such-vm', 'x')).statusCode).toBe(404)
  })
})
