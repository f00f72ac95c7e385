import type { VmMigrationList, VmSummary } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, buildStack, C, login, vmUrl, waitUntil, type TestStack } from './helper.ts'

let stack: TestStack
let admin: ReturnType<typeof as>
let viewer: ReturnType<typeof as>
let helpdesk: ReturnType<typeof as>
beforeAll(async () => {
  stack = await buildStack()
  admin = as(stack.app, await login(stack.app, 'admin'))
  viewer = as(stack.app, await login(stack.app, 'viewer'))
  helpdesk = as(stack.app, await login(stack.app, 'helpdesk'))
})
afterAll(() => stack.close())

const cluster = () => stack.app.clusters.get('vmdeck-sim')!
const summary = (namespace: string, name: string): VmSummary | undefined =>
  cluster().vms.get(namespace, name)
const vmSpec = (namespace: string, name: string) =>
  stack.sim.store.get(
    stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!,
    namespace,
    name,
  ).spec as { runStrategy?: string }
const waitFor = (check: () => boolean) => waitUntil(check, 15_000)

describe('power operations (KubeVirt subresources, as the user)', () => {
  it('stops a running VM: runStrategy Always becomes Halted and the VM stops', async () => {
    await waitFor(() => summary('prod', 'web-01')?.status === 'Running')
    const { status, body } = await admin.post(`${vmUrl('prod', 'web-01')}/stop`)
    expect(status).toBe(202)
    expect(body).toMatchObject({ accepted: true, message: 'Stop requested for VM web-01.' })
    expect(vmSpec('prod', 'web-01').runStrategy).toBe('Halted')
    await waitFor(() => summary('prod', 'web-01')?.status === 'Stopped')
  })

  it('starts a stopped VM', async () => {
    const { status } = await admin.post(`${vmUrl('prod', 'web-01')}/start`)
    expect(status).toBe(202)
    expect(vmSpec('prod', 'web-01').runStrategy).toBe('Always')
    await waitFor(() => summary('prod', 'web-01')?.status === 'Running')
  })

  it("answers KubeVirt's 409 with its message when the VM already runs", async () => {
    const { status, body } = await admin.post(`${vmUrl('prod', 'web-01')}/start`)
    expect(status).toBe(409)
    expect(String(body.message)).toMatch(/already running|does not support manual start/)
  })

  it('pauses and unpauses a running VM', async () => {
    await waitFor(() => summary('prod', 'web-02')?.status === 'Running')
    expect((await admin.post(`${vmUrl('prod', 'web-02')}/pause`)).status).toBe(202)
    await waitFor(() => summary('prod', 'web-02')?.flags.paused === true)
    expect((await admin.post(`${vmUrl('prod', 'web-02')}/unpause`)).status).toBe(202)
    await waitFor(() => summary('prod', 'web-02')?.flags.paused === false)
  })

  it('answers 409 when pausing a VM that does not run', async () => {
    await waitFor(() => summary('dev', 'build-runner')?.status === 'Stopped')
    const { status } = await admin.post(`${vmUrl('dev', 'build-runner')}/pause`)
    expect(status).toBe(409)
  })

  it('restarts, force-restarts and force-stops', async () => {
    const vmiDef = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!
    const vmi = () => stack.sim.store.peek(vmiDef, 'prod', 'db-01')
    // A restart replaces the VMI: wait for the new one to run, not for the old one's status.
    const restarted = async (before: string | undefined) => {
      await waitFor(
        () =>
          vmi()?.metadata.uid !== before &&
          (vmi()?.status as { phase?: string } | undefined)?.phase === 'Running',
      )
      await waitFor(() => summary('prod', 'db-01')?.status === 'Running')
    }
    await waitFor(() => summary('prod', 'db-01')?.status === 'Running')
    let uid = vmi()?.metadata.uid
    expect((await admin.post(`${vmUrl('prod', 'db-01')}/restart`)).status).toBe(202)
    await restarted(uid)
    uid = vmi()?.metadata.uid
    expect((await admin.post(`${vmUrl('prod', 'db-01')}/force-restart`)).status).toBe(202)
    await restarted(uid)
    expect((await admin.post(`${vmUrl('prod', 'db-01')}/force-stop`)).status).toBe(202)
    await waitFor(() => vmSpec('prod', 'db-01').runStrategy === 'Halted')
    await waitFor(() => summary('prod', 'db-01')?.status === 'Stopped')
  })

  it("refuses a start RBAC does not allow with kube-apiserver's 403 and its message, and changes nothing", async () => {
    // kube-apiserver authorizes subresources.kubevirt.io before its aggregator reaches virt-api.
    const before = vmSpec('dev', 'build-runner').runStrategy
    const { status, body } = await viewer.post(`${vmUrl('dev', 'build-runner')}/start`)
    expect(status).toBe(403)
    expect(body).toMatchObject({ statusCode: 403, error: 'Forbidden' })
    expect(String(body.message)).toMatch(
      /cannot update resource "virtualmachines\/start" in API group "subresources\.kubevirt\.io"/,
    )
    expect(vmSpec('dev', 'build-runner').runStrategy).toBe(before)
  })

  it('lets helpdesk restart but not stop (their role has restart only)', async () => {
    await waitFor(() => summary('default', 'jumpbox')?.status === 'Running')
    expect((await helpdesk.post(`${vmUrl('default', 'jumpbox')}/restart`)).status).toBe(202)
    expect((await helpdesk.post(`${vmUrl('default', 'jumpbox')}/stop`)).status).toBe(403)
    expect(vmSpec('default', 'jumpbox').runStrategy).toBe('Always')
  })

  it('refuses helpdesk what its role lacks: create, delete, snapshot, migrate (403, no change)', async () => {
    const before = vmSpec('default', 'jumpbox')
    expect((await helpdesk.del(vmUrl('default', 'jumpbox'))).status).toBe(403)
    expect((await helpdesk.post(`${vmUrl('default', 'jumpbox')}/snapshots`, {})).status).toBe(403)
    expect((await helpdesk.post(`${vmUrl('default', 'jumpbox')}/migrate`, {})).status).toBe(403)
    expect((await helpdesk.post(`${vmUrl('default', 'jumpbox')}/pause`, {})).status).toBe(403)
    const created = await helpdesk.post(`${C}/vms`, {
      name: 'helpdesk-vm',
      namespace: 'default',
      compute: { kind: 'custom', cpus: 1, memory: '1Gi' },
      bootSource: { type: 'containerDisk', image: 'quay.io/x/y:1' },
      startNow: false,
    })
    expect(created.status).toBe(403)
    expect(String(created.body.message)).toMatch(/forbidden/i)
    expect(vmSpec('default', 'jumpbox')).toEqual(before)
  })

  it('answers 404 for a missing VM, 400 for an unknown action or a stray option', async () => {
    expect((await admin.post(`${vmUrl('prod', 'ghost')}/start`)).status).toBe(404)
    expect((await admin.post(`${vmUrl('prod', 'web-01')}/explode`)).status).toBe(400)
    expect((await admin.post(`${vmUrl('prod', 'web-01')}/stop`, { paused: true })).status).toBe(400)
    expect((await admin.post(`${vmUrl('prod', 'web-01')}/stop`, { force: true })).status).toBe(400)
  })

  it('refuses a mutation without a JSON body (415) or from another origin (403)', async () => {
    const cookie = await login(stack.app, 'admin')
    const plain = await stack.app.inject({
      method: 'POST',
      url: `${vmUrl('prod', 'web-01')}/stop`,
      headers: { cookie, origin: 'http://vmdeck.test', 'content-type': 'text/plain' },
      payload: 'stop',
    })
    expect(plain.statusCode).toBe(415)
    const form = await stack.app.inject({
      method: 'POST',
      url: `${vmUrl('prod', 'web-01')}/stop`,
      headers: {
        cookie,
        origin: 'http://vmdeck.test',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'a=b',
    })
    expect(form.statusCode).toBe(415)
    const cross = await stack.app.inject({
      method: 'POST',
      url: `${vmUrl('prod', 'web-01')}/stop`,
      headers: { cookie, origin: 'http://evil.vmdeck.test' },
      payload: {},
    })
    expect(cross.statusCode).toBe(403)
    expect(vmSpec('prod', 'web-01').runStrategy).toBe('Always')
  })
})

describe('migrations', () => {
  it('live-migrates a VM to a chosen node and lists the migration', async () => {
    await waitFor(() => summary('prod', 'web-01')?.status === 'Running')
    const from = summary('prod', 'web-01')?.node
    const to = ['node-1', 'node-2', 'node-3'].find((n) => n !== from)!
    const { status } = await admin.post(`${vmUrl('prod', 'web-01')}/migrate`, { targetNode: to })
    expect(status).toBe(202)
    await waitFor(() => summary('prod', 'web-01')?.node === to)
    const list = await admin.get<VmMigrationList>(`${C}/migrations`)
    expect(list.status).toBe(200)
    expect(list.body.items.find((m) => m.vmName === 'web-01')).toMatchObject({
      namespace: 'prod',
      targetNode: to,
    })
  })

  it('refuses an unknown target node and the node the VM already runs on', async () => {
    expect(
      (await admin.post(`${vmUrl('prod', 'web-01')}/migrate`, { targetNode: 'node-9' })).status,
    ).toBe(400)
    const here = summary('prod', 'web-01')?.node
    expect(
      (await admin.post(`${vmUrl('prod', 'web-01')}/migrate`, { targetNode: here })).status,
    ).toBe(409)
  })

  it('refuses viewer (no kubevirt.io:migrate) with 403', async () => {
    const { status } = await viewer.post(`${vmUrl('prod', 'web-02')}/migrate`)
    expect(status).toBe(403)
  })

  it('cancels an active migration by deleting it, and says when there is nothing to cancel', async () => {
    // A migration whose target can never be scheduled stays active until cancelled.
    const def = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstancemigrations')!
    await stack.sim.store.create(def, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceMigration',
      metadata: { name: 'stuck', namespace: 'prod' },
      spec: { vmiName: 'web-02', addedNodeSelector: { 'vmdeck.test/nowhere': 'true' } },
    })
    await waitFor(() => cluster().migrations.get('prod', 'stuck')?.active === true)
    const { status } = await admin.del(`${vmUrl('prod', 'web-02')}/migrations/stuck`)
    expect(status).toBe(202)
    await waitFor(() => !cluster().migrations.get('prod', 'stuck'))
    expect((await admin.del(`${vmUrl('prod', 'web-02')}/migrations/stuck`)).status).toBe(404)
    const done = [...cluster().migrations.list()].find((m) => m.vmName === 'web-01' && !m.active)!
    const again = await admin.del(`${vmUrl('prod', 'web-01')}/migrations/${done.name}`)
    expect(again.status).toBe(409)
  })
})
