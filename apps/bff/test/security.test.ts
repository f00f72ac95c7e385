import type { VmList } from '@vmdeck/shared'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KubeClient } from '../src/kube/kube-client.ts'
import { as, buildStack, C, login, ORIGIN, vmUrl, waitUntil, type TestStack } from './helper.ts'
import { events } from './sse.ts'

let stack: TestStack
let base: string
let viewerCookie: string
let viewer: ReturnType<typeof as>
beforeAll(async () => {
  stack = await buildStack()
  base = await stack.app.listen({ port: 0, host: '127.0.0.1' })
  viewerCookie = await login(stack.app, 'viewer')
  viewer = as(stack.app, viewerCookie)
})
afterAll(() => stack.close())

const rbac = (plural: string) => stack.sim.registry.find('rbac.authorization.k8s.io', 'v1', plural)!
const vmDef = () => stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!

/** Replaces the viewer's cluster-wide binding with one in namespace `dev` only. */
async function confineViewerToDev() {
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
}

describe('headers sent upstream come from an allow-list', () => {
  it('smuggled impersonation and identity headers do not change who the cluster sees', async () => {
    const smuggled = {
      'impersonate-user': 'admin',
      'impersonate-group': 'system:masters',
      impersonate_user: 'admin',
      'x-remote-user': 'admin',
      'x-remote-group': 'system:masters',
      'x-forwarded-user': 'admin',
      connection: 'Impersonate-User, Authorization',
    }
    const response = await stack.app.inject({
      method: 'POST',
      url: `${vmUrl('dev', 'build-runner')}/start`,
      headers: { cookie: viewerCookie, origin: ORIGIN, ...smuggled },
      payload: {},
    })
    expect(response.statusCode).toBe(403)
    expect(
      (stack.sim.store.get(vmDef(), 'dev', 'build-runner').spec as { runStrategy: string })
        .runStrategy,
    ).toBe('Halted')
    const created = await stack.app.inject({
      method: 'POST',
      url: `${C}/vms`,
      headers: { cookie: viewerCookie, origin: ORIGIN, ...smuggled },
      payload: {
        name: 'smuggled',
        namespace: 'dev',
        compute: { kind: 'custom', cpus: 1, memory: '1Gi' },
        bootSource: { type: 'containerDisk', image: 'quay.io/x/y:1' },
        startNow: false,
      },
    })
    expect(created.statusCode).toBe(403)
    expect(stack.sim.store.peek(vmDef(), 'dev', 'smuggled')).toBeUndefined()
  })

  it('the upstream client sends only its own headers: credentials, accept, content type, agent', async () => {
    const seen: Record<string, string | string[] | undefined>[] = []
    const server = createServer((req, res) => {
      seen.push(req.headers)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const config = new KubeConfig()
    config.loadFromOptions({
      clusters: [
        {
          name: 'c',
          server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: 'u', token: 'user-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    })
    await new KubeClient(config).call({ method: 'PUT', path: '/apis/x', body: {} })
    server.close()
    expect(Object.keys(seen[0]!).sort()).toEqual(
      [
        'accept',
        'authorization',
        'connection',
        'content-length',
        'content-type',
        'host',
        'user-agent',
      ].sort(),
    )
    expect(seen[0]!.authorization).toBe('Bearer user-token')
  })
})

describe('per-user visibility of the shared cache, and revocation', () => {
  it('a forbidden VM and a missing one get the same answer; lists, counts and streams follow RBAC changes', async () => {
    const controller = new AbortController()
    const response = await fetch(`${base}/api/v1/clusters/vmdeck-sim/events/stream?topics=vms`, {
      headers: { cookie: viewerCookie },
      signal: controller.signal,
    })
    const stream = events(response.body!)
    expect((await stream.next()).value?.event).toBe('sync')
    expect((await viewer.get<VmList>(`${C}/vms`)).body.total).toBeGreaterThan(2)

    await confineViewerToDev()

    // The open stream is told to resync once the new access applies…
    for await (const message of stream) if (message.event === 'sync') break
    // …and from then on carries nothing of namespaces the user lost.
    const def = vmDef()
    const web = stack.sim.store.get(def, 'prod', 'web-02')
    await stack.sim.store.update(def, {
      ...web,
      metadata: { ...web.metadata, labels: { leak: 'yes' } },
    })
    const runner = stack.sim.store.get(def, 'dev', 'build-runner')
    await stack.sim.store.update(def, {
      ...runner,
      metadata: { ...runner.metadata, labels: { ...runner.metadata.labels, seen: 'yes' } },
    })
    const names: string[] = []
    for await (const message of stream) {
      const data = message.data as { vm?: { name: string; namespace: string } }
      if (data.vm) names.push(`${data.vm.namespace}/${data.vm.name}`)
      if (data.vm?.name === 'build-runner') break
    }
    controller.abort()
    expect(names.filter((n) => !n.startsWith('dev/'))).toEqual([])

    const list = await viewer.get<VmList>(`${C}/vms`)
    expect(list.body.items.every((vm) => vm.namespace === 'dev')).toBe(true)
    expect(Object.values(list.body.counts ?? {}).reduce((a, b) => a + b, 0)).toBe(list.body.total)
    expect((await viewer.get<VmList>(`${C}/vms?search=web`)).body.total).toBe(0)

    const forbidden = await viewer.get(vmUrl('prod', 'web-01'))
    const missing = await viewer.get(vmUrl('prod', 'no-such-vm'))
    expect(forbidden.status).toBe(404)
    expect(missing.status).toBe(404)
    expect(Object.keys(forbidden.body).sort()).toEqual(Object.keys(missing.body).sort())
    expect(String(forbidden.body.message).replace('web-01', 'X')).toBe(
      String(missing.body.message).replace('no-such-vm', 'X'),
    )
    // Mutations of a VM the user may not see answer the same 404 and change nothing.
    expect((await viewer.post(`${vmUrl('prod', 'web-01')}/stop`)).status).toBe(404)
    expect((await viewer.get(vmUrl('dev', 'build-runner'))).status).toBe(200)
  })

  it('answers permission checks with the API server’s decision', async () => {
    await waitUntil(() => true)
    const checks = [
      'list:virtualmachines.kubevirt.io:dev',
      'list:virtualmachines.kubevirt.io:prod',
      'update:virtualmachines.subresources.kubevirt.io/start:dev',
    ].join(',')
    const { status, body } = await viewer.get<{ items: { check: string; allowed: boolean }[] }>(
      `${C}/permissions?checks=${checks}`,
    )
    expect(status).toBe(200)
    expect(body.items.map((i) => i.allowed)).toEqual([true, false, false])
    expect((await viewer.get(`${C}/permissions?checks=../etc`)).status).toBe(400)
    expect((await viewer.get(`${C}/permissions`)).status).toBe(400)
  })
})
