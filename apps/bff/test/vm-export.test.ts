import type { VmList } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, C, login, type TestStack } from './helper.ts'

let stack: TestStack
let admin: string
beforeAll(async () => {
  stack = await buildStack()
  admin = await login(stack.app, 'admin')
})
afterAll(() => stack.close())

const get = (url: string, cookie: string) => stack.app.inject({ url, headers: { cookie } })
const rbac = (plural: string) => stack.sim.registry.find('rbac.authorization.k8s.io', 'v1', plural)!

describe('GET /api/v1/clusters/{cluster}/vms/export', () => {
  it('exports exactly the VMs the list’s filter matches, all of them, as CSV and JSON', async () => {
    const search = encodeURIComponent('ns:prod -status:stopped')
    const list = (await get(`${C}/vms?search=${search}&limit=1000`, admin)).json<VmList>()
    expect(list.total).toBeGreaterThan(1)
    const csv = await get(
      `${C}/vms/export?format=csv&columns=namespace,name&search=${search}`,
      admin,
    )
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="vms-.*\.csv"$/)
    const lines = csv.body.split('\r\n')
    expect(lines[0]).toBe('Name,Namespace')
    expect(lines.slice(1, -1)).toEqual(list.items.map((vm) => `${vm.name},prod`))
    const json = await get(
      `${C}/vms/export?format=json&columns=name,status&search=${search}`,
      admin,
    )
    expect(json.json()).toEqual(list.items.map((vm) => ({ name: vm.name, status: vm.status })))
  })

  it('answers a bad query with a 400 in the shared error shape', async () => {
    const bad = await get(
      `${C}/vms/export?format=csv&search=${encodeURIComponent('colour:red')}`,
      admin,
    )
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'INVALID_SEARCH',
      message: expect.stringMatching(/Unknown key "colour:".*characters 1–10/),
    })
    const list = await get(`${C}/vms?search=${encodeURIComponent('status:runing')}`, admin)
    expect(list.statusCode).toBe(400)
    expect(list.json()).toMatchObject({ code: 'INVALID_SEARCH' })
    expect((await get(`${C}/vms/export?format=xml`, admin)).statusCode).toBe(400)
    expect((await get(`${C}/vms/export?format=csv&columns=name,secret`, admin)).statusCode).toBe(
      400,
    )
  })

  it('exports no VM of a namespace the user may not list', async () => {
    await stack.sim.store.delete(rbac('clusterrolebindings'), undefined, 'vmdeck:viewer')
    await stack.sim.store.create(rbac('rolebindings'), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'viewer-dev', namespace: 'dev' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'kubevirt.io:view',
      },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }],
    })
    const viewer = await login(stack.app, 'viewer')
    // Access decisions are cached briefly and dropped when the BFF's RBAC watch sees the change.
    const namespaces = async () =>
      new Set(
        (await get(`${C}/vms/export?format=json&columns=namespace`, viewer))
          .json<{ namespace: string }[]>()
          .map((vm) => vm.namespace),
      )
    const deadline = Date.now() + 10_000
    let seen = await namespaces()
    while (seen.has('prod') && Date.now() < deadline) seen = await namespaces()
    expect([...seen]).toEqual(['dev'])
    const prod = await get(`${C}/vms/export?format=csv&namespace=prod`, viewer)
    expect(prod.body.split('\r\n').filter(Boolean)).toHaveLength(1)
  })
})
