import type { NamespaceList } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, C, login, type TestStack } from './helper.ts'

let stack: TestStack
beforeAll(async () => {
  stack = await buildStack()
})
afterAll(() => stack.close())

const rbac = (plural: string) => stack.sim.registry.find('rbac.authorization.k8s.io', 'v1', plural)!
const names = async (cookie: string) => {
  const response = await stack.app.inject({ url: `${C}/namespaces`, headers: { cookie } })
  expect(response.statusCode).toBe(200)
  return response.json<NamespaceList>().items.map((ns) => ns.name)
}

describe('GET /api/v1/clusters/{cluster}/namespaces', () => {
  it('refuses without a session', async () => {
    expect((await stack.app.inject({ url: `${C}/namespaces` })).statusCode).toBe(401)
  })

  it('offers a cluster-wide viewer every namespace of the cluster', async () => {
    const cookie = await login(stack.app, 'viewer')
    expect(await names(cookie)).toEqual(expect.arrayContaining(['default', 'dev', 'prod']))
  })

  it('offers a user confined to one namespace only that namespace', async () => {
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
    const cookie = await login(stack.app, 'viewer')
    // Access decisions are cached briefly and dropped when the BFF's RBAC watch sees the change:
    // ask again until the answer reflects it (bounded by the deadline).
    const deadline = Date.now() + 10_000
    let seen = await names(cookie)
    while (seen.length !== 1 && Date.now() < deadline) seen = await names(cookie)
    expect(seen).toEqual(['dev'])
  })
})
