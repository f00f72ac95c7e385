// The task history: one record per operation vmdeck carries out, in the cluster (tasks.vmdeck.io),
// finished when the cluster shows the operation done; shown per the VM list's access review;
// shared by replicas and kept across restarts; bounded by retention; written by vmdeck only.
import type { Task, TaskList } from '@vmdeck/shared'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import app, { type AppOptions } from '../src/app.ts'
import { as, buildStack, C, login, ORIGIN, vmUrl, waitUntil, type TestStack } from './helper.ts'
import { createTask } from '../src/kube/api/task-requests.ts'
import { ownVm } from './own-vm.ts'
import { events } from './sse.ts'

let stack: TestStack
let admin: ReturnType<typeof as>
let helpdesk: ReturnType<typeof as>
const replicas: FastifyInstance[] = []

beforeAll(async () => {
  stack = await buildStack({ tasks: { followIntervalMs: 200, timeoutMs: 120_000 } })
  await waitUntil(() => cluster(stack.app).tasks.synced, 30_000)
  admin = as(stack.app, await login(stack.app, 'admin'))
  helpdesk = as(stack.app, await login(stack.app, 'helpdesk'))
})
afterAll(async () => {
  for (const replica of replicas) await replica.close()
  await stack.close()
})

const cluster = (on: FastifyInstance) => on.clusters.get('vmdeck-sim')!
const TASKS = '/apis/vmdeck.io/v1alpha1'

/** Another BFF replica on the same cluster, sharing nothing with the first but the cluster. */
async function startReplica(tasks: AppOptions['tasks'] = {}): Promise<FastifyInstance> {
  const replica = Fastify({ logger: false })
  await replica.register(app, {
    kubeconfigPath: stack.sim.kubeconfigPath,
    sessionKeys: ['test-session-key-0123456789abcdef0123456789'],
    publicOrigin: ORIGIN,
    demo: true,
    tasks: { followIntervalMs: 200, ...tasks },
  })
  await replica.ready()
  replicas.push(replica)
  await waitUntil(
    () => cluster(replica).vms.synced && cluster(replica).tasks.synced && replica.revocations.ready,
    30_000,
  )
  return replica
}

/** The one task of `action` on VM `name` a replica's cache holds, once it holds it. */
async function taskOf(on: FastifyInstance, action: string, name: string): Promise<Task> {
  const find = () =>
    cluster(on)
      .tasks.newestFirst()
      .find((t) => t.action === action && t.target.name === name)
  await waitUntil(() => find() !== undefined, 15_000)
  return find()!
}

const ended = async (on: FastifyInstance, id: string, ms = 30_000) => {
  await waitUntil(() => {
    const outcome = cluster(on).tasks.get(id)?.outcome
    return outcome !== undefined && outcome !== 'Running'
  }, ms)
  return cluster(on).tasks.get(id)!
}

describe('a task per operation, ended by what the cluster shows', () => {
  it('records a stop as running, then succeeded once the VM is Stopped, with Events on the VM', async () => {
    const vm = await ownVm(stack, 'prod', true, 'task')
    expect((await admin.post(`${vmUrl('prod', vm)}/stop`)).status).toBe(202)
    const task = await taskOf(stack.app, 'stop', vm)
    expect(task).toMatchObject({
      user: 'admin',
      namespace: 'prod',
      target: { cluster: 'vmdeck-sim', namespace: 'prod', kind: 'VirtualMachine', name: vm },
    })
    expect(task.groups.length).toBeGreaterThan(0)
    const done = await ended(stack.app, task.id)
    expect(done).toMatchObject({ outcome: 'Succeeded', message: `VM ${vm} is Stopped.` })
    expect(cluster(stack.app).vms.get('prod', vm)?.status).toBe('Stopped')
    expect(done.durationMs).toBeGreaterThanOrEqual(0)

    const one = await admin.get<Task>(`${C}/tasks/${task.id}`)
    expect(one.status).toBe(200)
    expect(one.body).toMatchObject({ id: task.id, outcome: 'Succeeded' })
    const perVm = await admin.get<TaskList>(`${vmUrl('prod', vm)}/tasks`)
    expect(perVm.body.items.map((t) => t.id)).toEqual([task.id])

    // `kubectl describe vm` tells the same story: vmdeck's Events on the VM.
    const reasons = async () => {
      const events = await stack.sim.request('GET', `/apis/events.k8s.io/v1/namespaces/prod/events`)
      return (
        events.body as {
          items: { reportingController?: string; reason?: string; regarding?: { name?: string } }[]
        }
      ).items
        .filter((e) => e.reportingController === 'vmdeck' && e.regarding?.name === vm)
        .map((e) => e.reason)
    }
    const deadline = Date.now() + 10_000
    let seen = await reasons()
    while (seen.length < 2 && Date.now() < deadline) seen = await reasons()
    expect(seen.sort()).toEqual(['TaskStarted', 'TaskSucceeded'])
  }, 60_000)

  it('ends a stop the cluster refuses (403) failed, with the API message', async () => {
    const vm = await ownVm(stack, 'prod', true, 'task')
    const refused = await helpdesk.post<{ message: string }>(`${vmUrl('prod', vm)}/stop`)
    expect(refused.status).toBe(403)
    const task = await taskOf(stack.app, 'stop', vm)
    const done = await ended(stack.app, task.id)
    expect(done).toMatchObject({
      user: 'helpdesk',
      outcome: 'Failed',
      message: refused.body.message,
    })
  })

  it('ends a restart when a new VMI runs, not while the old one still shows Running', async () => {
    const vm = await ownVm(stack, 'prod', true, 'task')
    const vms = cluster(stack.app).vms
    await waitUntil(() => vms.instance('prod', vm)?.phase === 'Running', 15_000)
    const before = vms.instance('prod', vm)!.uid
    // What the cache shows at the moment the task's end arrives.
    let atEnd: { uid: string; phase: string } | undefined
    const unsubscribe = cluster(stack.app).tasks.subscribe((change) => {
      if (change.type !== 'upsert' || change.task.action !== 'restart') return
      if (change.task.target.name === vm && change.task.outcome === 'Succeeded')
        atEnd ??= vms.instance('prod', vm)
    })
    expect((await admin.post(`${vmUrl('prod', vm)}/restart`)).status).toBe(202)
    const task = await taskOf(stack.app, 'restart', vm)
    expect(task.parameters).toEqual({ vmiUid: before })
    const done = await ended(stack.app, task.id, 60_000)
    unsubscribe()
    expect(done.outcome).toBe('Succeeded')
    expect(atEnd?.phase).toBe('Running')
    expect(atEnd?.uid).not.toBe(before)
  }, 90_000)

  it('follows a migration through its phases to Succeeded, naming the migration it created', async () => {
    const vm = await ownVm(stack, 'prod', true, 'task')
    await waitUntil(() => cluster(stack.app).vms.get('prod', vm)?.node !== undefined, 15_000)
    const from = cluster(stack.app).vms.get('prod', vm)?.node
    const to = ['node-1', 'node-2', 'node-3'].find((n) => n !== from)!
    expect((await admin.post(`${vmUrl('prod', vm)}/migrate`, { targetNode: to })).status).toBe(202)
    const task = await taskOf(stack.app, 'migrate', vm)
    expect(task.parameters).toEqual({ targetNode: to })
    const done = await ended(stack.app, task.id, 60_000)
    expect(done.outcome).toBe('Succeeded')
    expect(done.created).toEqual([
      { kind: 'VirtualMachineInstanceMigration', namespace: 'prod', name: expect.any(String) },
    ])
  }, 90_000)
})

describe('the task API', () => {
  it('filters, pages and exports (CSV, JSON lines)', async () => {
    const all = await admin.get<TaskList>(`${C}/tasks?namespace=prod`)
    expect(all.status).toBe(200)
    expect(all.body.total).toBeGreaterThanOrEqual(3)
    const starts = all.body.items.map((t) => t.startedAt)
    expect(starts).toEqual([...starts].sort().reverse())

    const failed = await admin.get<TaskList>(`${C}/tasks?outcome=Failed&user=helpdesk`)
    expect(failed.body.items.length).toBeGreaterThan(0)
    for (const task of failed.body.items)
      expect(task).toMatchObject({ outcome: 'Failed', user: 'helpdesk' })

    const first = await admin.get<TaskList>(`${C}/tasks?namespace=prod&limit=1`)
    expect(first.body.items).toHaveLength(1)
    const next = await admin.get<TaskList>(
      `${C}/tasks?namespace=prod&limit=1&continue=${first.body.continue}`,
    )
    expect(next.body.items[0]?.id).toBe(all.body.items[1]?.id)
    expect((await admin.get(`${C}/tasks?continue=bogus`)).status).toBe(400)
    const future = new Date(Date.now() + 3_600_000).toISOString()
    expect((await admin.get<TaskList>(`${C}/tasks?since=${future}`)).body.items).toEqual([])

    const csv = await stack.app.inject({
      url: `${C}/tasks/export?format=csv&action=stop`,
      headers: { cookie: await login(stack.app, 'admin') },
    })
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    const lines = csv.body.trim().split('\r\n')
    expect(lines[0]).toMatch(/^id,startedAt,endedAt,durationMs,user,groups,action,/)
    expect(lines.length - 1).toBe((await admin.get<TaskList>(`${C}/tasks?action=stop`)).body.total)
    const jsonl = await stack.app.inject({
      url: `${C}/tasks/export?format=jsonl&namespace=prod`,
      headers: { cookie: await login(stack.app, 'admin') },
    })
    const objects = jsonl.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Task)
    expect(objects.map((t) => t.id)).toEqual(all.body.items.map((t) => t.id))
  })

  it('refuses a user writing a task record with their own token (403): only vmdeck writes them', async () => {
    const record = {
      apiVersion: 'vmdeck.io/v1alpha1',
      kind: 'Task',
      metadata: { name: 'forged' },
      spec: {
        user: { username: 'admin' },
        action: 'stop',
        target: { kind: 'VirtualMachine', name: 'web-01' },
        startedAt: new Date().toISOString(),
      },
    }
    for (const user of ['helpdesk', 'viewer'] as const) {
      const created = await stack.sim.request('POST', `${TASKS}/namespaces/prod/tasks`, {
        token: stack.sim.tokens[user],
        body: record,
      })
      expect(created.status, user).toBe(403)
    }
    const existing = cluster(stack.app).tasks.newestFirst()[0]!
    const edited = await stack.sim.request(
      'PATCH',
      `${TASKS}/namespaces/${existing.namespace}/tasks/${existing.id}/status`,
      {
        token: stack.sim.tokens.helpdesk,
        body: { status: { outcome: 'Succeeded' } },
        headers: { 'content-type': 'application/merge-patch+json' },
      },
    )
    expect(edited.status).toBe(403)
  })
})

describe('console sessions and the stream', () => {
  it('keeps a console session running while it is open, then records its duration', async () => {
    const recorder = stack.app.tasksOf(cluster(stack.app))
    const id = recorder.begin(
      { username: 'helpdesk', groups: ['system:authenticated'] },
      {
        action: 'console',
        target: { namespace: 'prod', kind: 'VirtualMachine', name: 'web-01' },
        parameters: { console: 'vnc' },
      },
      true,
    )
    await waitUntil(() => cluster(stack.app).tasks.get(id) !== undefined, 15_000)
    const openedAt = Date.now()
    // Open sessions are not ended by what the cluster shows, however many passes look at them.
    for (let pass = 0; pass < 3; pass++) await recorder.nextFollow()
    expect(cluster(stack.app).tasks.get(id)?.outcome).toBe('Running')
    await recorder.end(id, { outcome: 'Succeeded', message: 'VNC console closed by the browser.' })
    const done = await ended(stack.app, id)
    expect(done).toMatchObject({ user: 'helpdesk', parameters: { console: 'vnc' } })
    expect(done.durationMs).toBeGreaterThanOrEqual(Date.now() - openedAt - 1_000)
    expect(done.durationMs).toBeGreaterThan(0)
  })

  it('renews an open session, and ends one whose replica is gone', async () => {
    const renewing = await startReplica({ heartbeatMs: 200, replica: 'vmdeck-renewing' })
    const held = renewing.tasksOf(cluster(renewing)).begin(
      { username: 'helpdesk', groups: ['system:authenticated'] },
      {
        action: 'console',
        target: { namespace: 'prod', kind: 'VirtualMachine', name: 'web-01' },
        parameters: { console: 'serial' },
      },
      true,
    )
    await waitUntil(() => cluster(stack.app).tasks.heartbeatOf(held) !== undefined, 15_000)
    expect(cluster(stack.app).tasks.get(held)?.outcome).toBe('Running')

    // A session of a replica whose pod was deleted ten minutes ago: nobody renews it any more.
    const orphan = `t-orphan-${Date.now().toString(36)}`
    const written = await createTask(cluster(stack.app).serviceClient, 'prod', {
      metadata: { name: orphan },
      spec: {
        user: { username: 'helpdesk', groups: [] },
        action: 'console',
        target: {
          cluster: 'vmdeck-sim',
          namespace: 'prod',
          kind: 'VirtualMachine',
          name: 'web-01',
        },
        parameters: { console: 'vnc', replica: 'vmdeck-gone-pod' },
        startedAt: new Date(Date.now() - 600_000).toISOString(),
        timeoutSeconds: 300,
      },
    })
    expect(written.status).toBe(201)
    const done = await ended(stack.app, orphan)
    expect(done.outcome).toBe('Succeeded')
    expect(done.message).toMatch(/replica vmdeck-gone-pod, which stopped renewing it/)
    expect(cluster(stack.app).tasks.get(held)?.outcome).toBe('Running')
    await renewing.tasksOf(cluster(renewing)).end(held, { outcome: 'Succeeded' })
  }, 60_000)

  it('pushes task changes on the stream topic `tasks`', async () => {
    const base = await stack.app.listen({ port: 0, host: '127.0.0.1' })
    const controller = new AbortController()
    const response = await fetch(`${base}${C}/events/stream?topics=tasks`, {
      headers: { cookie: await login(stack.app, 'admin') },
      signal: controller.signal,
    })
    const stream = events(response.body!)
    expect((await stream.next()).value).toEqual({ event: 'sync', data: { topics: ['tasks'] } })
    const id = stack.app.tasksOf(cluster(stack.app)).begin(
      { username: 'admin', groups: [] },
      {
        action: 'snapshot',
        target: { namespace: 'prod', kind: 'VirtualMachine', name: 'db-01' },
      },
    )
    const outcomes: string[] = []
    for await (const message of stream) {
      const data = message.data as { type: string; task?: Task }
      if (message.event === 'tasks' && data.task?.id === id) outcomes.push(data.task.outcome)
      if (outcomes.includes('Succeeded')) break
    }
    controller.abort()
    expect(outcomes.at(-1)).toBe('Succeeded')
  })
})

describe('replicas and restarts', () => {
  it('shows a task started on one replica on the other, and another replica finishes it after its own restart', async () => {
    const second = await startReplica()
    const secondAdmin = as(second, await login(second, 'admin'))
    // Started on the first, seen on the second.
    const a = await ownVm(stack, 'dev', true, 'task')
    expect((await admin.post(`${vmUrl('dev', a)}/stop`)).status).toBe(202)
    const onFirst = await taskOf(stack.app, 'stop', a)
    await waitUntil(() => cluster(second).tasks.get(onFirst.id) !== undefined, 15_000)
    expect((await secondAdmin.get<Task>(`${C}/tasks/${onFirst.id}`)).body.user).toBe('admin')

    // Started on the second, which then stops before the VM does: the first finishes it.
    const b = await ownVm(stack, 'dev', true, 'task')
    expect((await secondAdmin.post(`${vmUrl('dev', b)}/stop`)).status).toBe(202)
    const begun = await taskOf(second, 'stop', b)
    await second.close()
    replicas.splice(replicas.indexOf(second), 1)
    expect((await ended(stack.app, begun.id)).outcome).toBe('Succeeded')

    // A replica started afterwards finds the whole history in the cluster.
    const third = await startReplica()
    for (const id of [onFirst.id, begun.id])
      expect(cluster(third).tasks.get(id)?.outcome, id).toBe('Succeeded')
  }, 90_000)

  it('keeps at most N tasks per namespace: the oldest are removed', async () => {
    const limited = await startReplica({ maxPerNamespace: 3 })
    const recorder = limited.tasksOf(cluster(limited))
    const user = { username: 'admin', groups: ['system:authenticated'] }
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      // Snapshots end when accepted: each record is ended before the next begins.
      const id = recorder.begin(user, {
        action: 'snapshot',
        target: { namespace: 'default', kind: 'VirtualMachine', name: `kept-${i}` },
      })
      ids.push(id)
      await waitUntil(() => cluster(limited).tasks.get(id)?.outcome === 'Succeeded', 15_000)
    }
    const inDefault = () =>
      cluster(limited)
        .tasks.newestFirst()
        .filter((t) => t.namespace === 'default')
        .map((t) => t.id)
    await waitUntil(() => inDefault().length === 3, 15_000)
    expect(inDefault()).toEqual(ids.slice(2).reverse())
  }, 60_000)
})

describe('access', () => {
  it('shows a viewer limited to dev no task of prod', async () => {
    const rbac = (plural: string) =>
      stack.sim.registry.find('rbac.authorization.k8s.io', 'v1', plural)!
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
    const viewer = as(stack.app, await login(stack.app, 'viewer'))
    // Access decisions are cached briefly and dropped when the RBAC watch sees the change.
    const namespaces = async () =>
      new Set((await viewer.get<TaskList>(`${C}/tasks`)).body.items.map((t) => t.namespace))
    const deadline = Date.now() + 10_000
    let seen = await namespaces()
    while (seen.has('prod') && Date.now() < deadline) seen = await namespaces()
    expect([...seen]).toEqual(['dev'])
    const prodTask = cluster(stack.app)
      .tasks.newestFirst()
      .find((t) => t.namespace === 'prod')!
    expect((await viewer.get(`${C}/tasks/${prodTask.id}`)).status).toBe(404)
    const csv = await stack.app.inject({
      url: `${C}/tasks/export?format=csv`,
      headers: { cookie: await login(stack.app, 'viewer') },
    })
    expect(csv.body).not.toContain(',prod,')
  })
})
