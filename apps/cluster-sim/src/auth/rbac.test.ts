import {
  ApiException,
  AuthorizationV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSim, type DemoUser, type Sim } from '../builtin-sim.ts'

const run = promisify(execFile)
let sim: Sim
let stateDir: string
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-rbac-test-'))
  sim = await startSim({ stateDir, port: 0 })
})
afterAll(async () => {
  await sim.close()
  rmSync(stateDir, { recursive: true, force: true })
})

const kubectl = async (context: DemoUser, ...args: string[]) =>
  (await run('kubectl', ['--kubeconfig', sim.kubeconfigPath, '--context', context, ...args])).stdout
/** `kubectl auth can-i` exits 1 for "no": read its answer, not its exit code. */
const canI = async (context: DemoUser, ...args: string[]) =>
  kubectl(context, 'auth', 'can-i', ...args).then(
    (out) => out.trim(),
    (error: { stdout?: string }) => (error.stdout ?? '').trim(),
  )
function client<T>(user: DemoUser, api: new (...args: never[]) => T): T {
  const kc = new KubeConfig()
  kc.loadFromFile(sim.kubeconfigPath)
  kc.setCurrentContext(user)
  return kc.makeApiClient(api as never) as T
}
async function failure(
  promise: Promise<unknown>,
): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ApiException) {
      const body =
        typeof error.body === 'string' ? (JSON.parse(error.body) as Record<string, unknown>) : {}
      return { code: error.code, body }
    }
    throw error
  }
  throw new Error('the request succeeded')
}

describe('`kubectl auth can-i` as each demo user (PRODUCT.md §6)', () => {
  // [question, admin, helpdesk, viewer]
  const matrix: [string[], string, string, string][] = [
    [['list', 'vms', '-A'], 'yes', 'yes', 'yes'],
    [['watch', 'vmis', '-n', 'prod'], 'yes', 'yes', 'yes'],
    [['delete', 'vms', '-n', 'prod'], 'yes', 'no', 'no'],
    [['create', 'vmims', '-n', 'prod'], 'yes', 'no', 'no'],
    [['list', 'vmims', '-n', 'prod'], 'yes', 'no', 'yes'],
    [['list', 'pods', '-n', 'prod'], 'yes', 'no', 'no'],
    [['list', 'namespaces'], 'yes', 'no', 'no'],
    [['list', 'vmsnapshots', '-n', 'prod'], 'yes', 'no', 'yes'],
    [['get', '/version'], 'yes', 'yes', 'yes'],
    [['get', '/logs'], 'yes', 'no', 'no'],
    [['impersonate', 'users'], 'yes', 'no', 'no'],
  ]
  it.each(matrix)('%j → admin %s, helpdesk %s, viewer %s', async (question, ...expected) => {
    const answers = await Promise.all(
      (['admin', 'helpdesk', 'viewer'] as const).map((user) => canI(user, ...question)),
    )
    expect(answers).toEqual(expected)
  })

  it('lists what helpdesk may do (`auth can-i --list`, a SelfSubjectRulesReview)', async () => {
    const out = await kubectl('helpdesk', 'auth', 'can-i', '--list', '-n', 'prod')
    expect(out).toMatch(
      /virtualmachineinstances\.subresources\.kubevirt\.io\/vnc\s+\[\]\s+\[\]\s+\[get\]/,
    )
    expect(out).toMatch(
      /virtualmachines\.subresources\.kubevirt\.io\/restart\s+\[\]\s+\[\]\s+\[update\]/,
    )
    expect(out).not.toMatch(/pods/)
  })
})

describe('RBAC on requests', () => {
  it('lets viewer list VMs and refuses a delete with the real 403 Status', async () => {
    const viewer = client('viewer', CustomObjectsApi)
    const list = (await viewer.listClusterCustomObject({
      group: 'kubevirt.io',
      version: 'v1',
      plural: 'virtualmachines',
    })) as { items: unknown[] }
    expect(list.items.length).toBeGreaterThan(0)
    const denied = await failure(
      viewer.deleteNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        namespace: 'prod',
        plural: 'virtualmachines',
        name: 'web-01',
      }),
    )
    expect(denied).toEqual({
      code: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'virtualmachines.kubevirt.io "web-01" is forbidden: User "viewer" cannot delete resource "virtualmachines" in API group "kubevirt.io" in the namespace "prod"',
        reason: 'Forbidden',
        details: { name: 'web-01', group: 'kubevirt.io', kind: 'virtualmachines' },
        code: 403,
      },
    })
  })

  it('refuses a non-resource URL outside system:discovery with the path in the message', async () => {
    const { status, body } = await sim.request('GET', '/logs', { token: sim.tokens.viewer })
    expect(status).toBe(403)
    expect(body).toMatchObject({ message: 'forbidden: User "viewer" cannot get path "/logs"' })
  })

  it('applies a RoleBinding only in its namespace', async () => {
    const rbacApi = client('admin', RbacAuthorizationV1Api)
    await rbacApi.createNamespacedRole({
      namespace: 'dev',
      body: {
        metadata: { name: 'vm-deleter' },
        rules: [{ apiGroups: ['kubevirt.io'], resources: ['virtualmachines'], verbs: ['delete'] }],
      },
    })
    await rbacApi.createNamespacedRoleBinding({
      namespace: 'dev',
      body: {
        metadata: { name: 'helpdesk-deletes' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vm-deleter' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'helpdesk' }],
      },
    })
    expect(await canI('helpdesk', 'delete', 'vms', '-n', 'dev')).toBe('yes')
    expect(await canI('helpdesk', 'delete', 'vms', '-n', 'prod')).toBe('no')
  })

  it('aggregates a ClusterRole labelled aggregate-to-view into view, edit and admin', async () => {
    const rbacApi = client('admin', RbacAuthorizationV1Api)
    await rbacApi.createClusterRole({
      body: {
        metadata: {
          name: 'widgets-view',
          labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
        },
        rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] }],
      },
    })
    for (const name of ['view', 'edit', 'admin']) {
      const role = await rbacApi.readClusterRole({ name })
      expect(role.rules).toContainEqual({
        apiGroups: ['example.com'],
        resources: ['widgets'],
        verbs: ['get'],
      })
    }
    // KubeVirt's own roles arrived the same way.
    const admin = await rbacApi.readClusterRole({ name: 'admin' })
    expect(
      admin.rules?.some((r) => r.resources?.includes('virtualmachineinstances/vnc/screenshot')),
    ).toBe(true)
    expect(admin.rules?.some((r) => r.resources?.includes('virtualmachines/migrate'))).toBe(false)
  })

  it('answers a SubjectAccessReview (JSON) with the deciding binding as reason', async () => {
    const authz = client('admin', AuthorizationV1Api)
    const review = await authz.createSubjectAccessReview({
      body: {
        spec: {
          user: 'helpdesk',
          resourceAttributes: {
            group: 'subresources.kubevirt.io',
            resource: 'virtualmachineinstances',
            subresource: 'console',
            verb: 'get',
            namespace: 'prod',
            name: 'web-01',
          },
        },
      },
    })
    expect(review.status).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "vmdeck:helpdesk" of ClusterRole "vmdeck:helpdesk" to User "helpdesk"',
    })
    const pause = await authz.createSubjectAccessReview({
      body: {
        spec: {
          user: 'helpdesk',
          resourceAttributes: {
            group: 'subresources.kubevirt.io',
            resource: 'virtualmachineinstances',
            subresource: 'pause',
            verb: 'update',
            namespace: 'prod',
          },
        },
      },
    })
    expect(pause.status?.allowed).toBe(false)
    // Only who may create subjectaccessreviews may ask about others.
    const denied = await failure(
      client('viewer', AuthorizationV1Api).createSubjectAccessReview({
        body: { spec: { user: 'admin', nonResourceAttributes: { path: '/version', verb: 'get' } } },
      }),
    )
    expect(denied.code).toBe(403)
  })

  it('exposes the decision to other handlers (virt-api SubjectAccessReview)', () => {
    const helpdesk = { username: 'helpdesk', uid: 'x', groups: ['system:authenticated'] }
    const attributes = {
      verb: 'update',
      group: 'subresources.kubevirt.io',
      resource: 'virtualmachines',
      namespace: 'dev',
    }
    expect(sim.authorize(helpdesk, { ...attributes, subresource: 'restart' }).allowed).toBe(true)
    expect(sim.authorize(helpdesk, { ...attributes, subresource: 'stop' }).allowed).toBe(false)
    expect(
      sim.authorize({ ...helpdesk, username: 'viewer' }, { ...attributes, subresource: 'restart' })
        .allowed,
    ).toBe(false)
    const admin = { username: 'admin', uid: 'y', groups: ['system:authenticated'] }
    expect(sim.authorize(admin, { ...attributes, subresource: 'migrate' })).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "vmdeck:admin" of ClusterRole "cluster-admin" to User "admin"',
    })
  })
})

describe('service accounts', () => {
  it('issues a token with `kubectl create token` that RBAC knows by the account', async () => {
    await kubectl('admin', 'create', 'serviceaccount', 'bot', '-n', 'dev')
    const token = (await kubectl('admin', 'create', 'token', 'bot', '-n', 'dev')).trim()
    const asBot = (...args: string[]) => kubectl('admin', '--token', token, ...args)
    expect(await asBot('auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}')).toBe(
      'system:serviceaccount:dev:bot',
    )
    const can = () =>
      asBot('auth', 'can-i', 'list', 'vms', '-n', 'dev').then(
        (out) => out.trim(),
        (error: { stdout?: string }) => (error.stdout ?? '').trim(),
      )
    expect(await can()).toBe('no')
    await kubectl(
      'admin',
      'create',
      'rolebinding',
      'bot-view',
      '-n',
      'dev',
      '--clusterrole=kubevirt.io:view',
      '--serviceaccount=dev:bot',
    )
    expect(await can()).toBe('yes')
  })
})

describe('impersonation', () => {
  it("lets admin act as helpdesk with `kubectl --as`, with helpdesk's rights only", async () => {
    expect(
      await kubectl(
        'admin',
        '--as',
        'helpdesk',
        'auth',
        'whoami',
        '-o',
        'jsonpath={.status.userInfo.username} {.status.userInfo.groups}',
      ),
    ).toBe('helpdesk ["system:authenticated"]')
    expect(
      await kubectl('admin', '--as', 'helpdesk', 'get', 'vms', '-n', 'prod', '-o', 'name'),
    ).toContain('virtualmachine.kubevirt.io/web-01')
    await expect(
      kubectl('admin', '--as', 'helpdesk', 'get', 'pods', '-n', 'prod'),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining(
        'User "helpdesk" cannot list resource "pods" in API group "" in the namespace "prod"',
      ),
    })
  })

  it('adds impersonated groups and checks each against the impersonate verb', async () => {
    expect(
      await kubectl(
        'admin',
        '--as',
        'someone',
        '--as-group',
        'system:masters',
        'auth',
        'can-i',
        'delete',
        'nodes',
      ),
    ).toBe('yes\n')
    await expect(kubectl('viewer', '--as', 'admin', 'get', 'vms')).rejects.toMatchObject({
      stderr: expect.stringContaining(
        'users "admin" is forbidden: User "viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
      ),
    })
  })

  it('refuses Impersonate-Group without Impersonate-User with 400', async () => {
    const { status } = await sim.request('GET', '/api/v1/namespaces', {
      headers: { 'impersonate-group': 'system:masters' },
    })
    expect(status).toBe(400)
  })
})
