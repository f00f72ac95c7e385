// Bulk actions: one action on many VMs as a parent task with a child per VM, each VM's request
// sent as the user (the API server decides per VM); a preview that changes nothing; the failed
// ones retried; refusals of bad requests that start nothing.
import type { BulkAccepted, Task } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, buildStack, C, login, waitUntil, type TestStack } from './helper.ts'
import { ownVm } from './own-vm.ts'

let stack: TestStack
let admin: ReturnType<typeof as>
let helpdesk: ReturnType<typeof as>

beforeAll(async () => {
  stack = await buildStack({ tasks: { followIntervalMs: 200, timeoutMs: 120_000 } })
  await waitUntil(() => cluster().tasks.synced, 30_000)
  admin = as(stack.app, await login(stack.app, 'admin'))
  helpdesk = as(stack.app, await login(stack.app, 'helpdesk'))
})
afterAll(() => stack.close())

const cluster = () => stack.app.clusters.get('vmdeck-sim')!
const BULK = `${C}/vms/bulk`

const ended = async (id: string, ms = 60_000): Promise<Task> => {
  await waitUntil(() => {
    const outcome = cluster().tasks.get(id)?.outcome
    return outcome !== undefined && outcome !== 'Running'
  }, ms)
  return cluster().tasks.get(id)!
}

async function ownVms(count: number, running: boolean): Promise<string[]> {
  const names: string[] = []
  for (let i = 0; i < count; i++) names.push(await ownVm(stack, 'dev', running, 'bulk'))
  return names
}

describe('a bulk action', () => {
  it('stops named VMs as one parent task with a succeeded child per VM', async () => {
    const names = await ownVms(3, true)
    const targets = names.map((name) => ({ namespace: 'dev', name }))
    const started = await admin.post<BulkAccepted>(BULK, { action: 'stop', targets })
    expect(started.status).toBe(202)
    expect(started.body.count).toBe(3)
    const parent = await ended(started.body.taskId!)
    expect(parent).toMatchObject({
      action: 'bulk',
      user: 'admin',
      namespace: 'dev',
      outcome: 'Succeeded',
      message: 'All 3 succeeded.',
      parameters: { action: 'stop', count: '3' },
    })
    const children = cluster().tasks.children(parent.id)
    expect(children.map((c) => c.target.name).sort()).toEqual([...names].sort())
    expect(children.every((c) => c.action === 'stop' && c.outcome === 'Succeeded')).toBe(true)
    for (const name of names) expect(cluster().vms.get('dev', name)?.status).toBe('Stopped')
    // The children are listed by their parent.
    const listed = await admin.get<{ items: Task[] }>(`${C}/tasks?parent=${parent.id}`)
    expect(listed.body.items.map((t) => t.id).sort()).toEqual(children.map((c) => c.id).sort())
  }, 90_000)

  it('records each VM the API server refuses as a failed child, and retries the failed ones', async () => {
    const names = await ownVms(2, true)
    const targets = names.map((name) => ({ namespace: 'dev', name }))
    // The help desk may see these VMs but not stop them: every VM's request is refused.
    const refused = await helpdesk.post<BulkAccepted>(BULK, { action: 'stop', targets })
    expect(refused.status).toBe(202)
    const parent = await ended(refused.body.taskId!)
    expect(parent).toMatchObject({ outcome: 'Failed', message: '2 of 2 did not succeed.' })
    for (const child of cluster().tasks.children(parent.id))
      expect(child).toMatchObject({
        outcome: 'Failed',
        message: expect.stringMatching(/forbidden/i),
      })
    for (const name of names) expect(cluster().vms.get('dev', name)?.status).toBe('Running')

    const retried = await admin.post<BulkAccepted>(BULK, { action: 'stop', retryOf: parent.id })
    expect(retried.status).toBe(202)
    expect(retried.body.sample.map((t) => t.name).sort()).toEqual([...names].sort())
    expect((await ended(retried.body.taskId!)).outcome).toBe('Succeeded')
  }, 90_000)

  it('previews what a filter matches and changes nothing', async () => {
    const names = await ownVms(2, false)
    const before = cluster().tasks.newestFirst().length
    const preview = await admin.post<BulkAccepted>(BULK, {
      action: 'start',
      matching: { namespace: 'dev', search: 'bulk-', status: 'Stopped' },
      dryRun: true,
    })
    expect(preview.status).toBe(200)
    expect(preview.body.taskId).toBeUndefined()
    const stopped = [...cluster().vms.summaries()].filter(
      (vm) => vm.namespace === 'dev' && vm.name.includes('bulk-') && vm.status === 'Stopped',
    )
    expect(preview.body.count).toBe(stopped.length)
    expect(preview.body.sample.map((t) => t.name)).toEqual(expect.arrayContaining(names))
    expect(preview.body.message).toBe(`Would start ${stopped.length} VMs in dev.`)
    expect(cluster().tasks.newestFirst().length).toBe(before)
    for (const name of names) expect(cluster().vms.get('dev', name)?.status).toBe('Stopped')
  }, 60_000)

  it('cancels a running bulk action for its own user only', async () => {
    const names = await ownVms(2, true)
    const started = await admin.post<BulkAccepted>(BULK, {
      action: 'migrate',
      targets: names.map((name) => ({ namespace: 'dev', name })),
    })
    const id = started.body.taskId!
    await waitUntil(() => cluster().tasks.get(id) !== undefined, 15_000)
    expect((await helpdesk.post(`${C}/tasks/${id}/cancel`)).status).toBe(404)
    const cancelled = await admin.post(`${C}/tasks/${id}/cancel`)
    expect(cancelled.status).toBe(202)
    expect((await ended(id)).outcome).toBe('Cancelled')
    expect((await admin.post(`${C}/tasks/${id}/cancel`)).status).toBe(409)
  }, 60_000)
})

describe('bad bulk requests start nothing', () => {
  it('refuses a request naming no VMs, or two ways of naming them (400)', async () => {
    const before = cluster().tasks.newestFirst().length
    const none = await admin.post<{ code: string; message: string }>(BULK, { action: 'stop' })
    expect(none.status).toBe(400)
    expect(none.body.message).toMatch(/exactly one of/)
    const both = await admin.post(BULK, {
      action: 'stop',
      targets: [{ namespace: 'prod', name: 'web-01' }],
      matching: { namespace: 'prod' },
    })
    expect(both.status).toBe(400)
    const nothing = await admin.post(BULK, { action: 'stop', matching: { search: 'no-such-vm-x' } })
    expect(nothing.status).toBe(400)
    const badSearch = await admin.post<{ code: string }>(BULK, {
      action: 'stop',
      matching: { search: 'status:' },
    })
    expect(badSearch.status).toBe(400)
    expect(badSearch.body.code).toBe('INVALID_SEARCH')
    const badAction = await admin.post(BULK, { action: 'explode', matching: { namespace: 'prod' } })
    expect(badAction.status).toBe(400)
    expect(cluster().tasks.newestFirst().length).toBe(before)
  })

  it('answers a VM that does not exist like one the user may not see (404), and starts none', async () => {
    const before = cluster().tasks.newestFirst().length
    const missing = await admin.post<{ message: string }>(BULK, {
      action: 'stop',
      targets: [
        { namespace: 'prod', name: 'web-01' },
        { namespace: 'prod', name: 'no-such-vm' },
      ],
    })
    expect(missing.status).toBe(404)
    expect(missing.body.message).toContain('"no-such-vm" not found')
    expect(cluster().tasks.newestFirst().length).toBe(before)
    expect(cluster().vms.get('prod', 'web-01')?.status).toBe('Running')
  })
})
