import type { VmMigrationList, VmSummary } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, buildStack, C, login, ORIGIN, vmUrl, waitUntil, type TestStack } from './helper.ts'
import { ownVm } from './own-vm.ts'

// Every test works on VMs of its own (ownVm), so each can run, fail or be skipped alone.
let stack: TestStack
let admin: ReturnType<typeof as>
let viewer: ReturnType<typeof as>
let helpdesk: ReturnType<typeof as>
let adminCookie: string
beforeAll(async () => {
  stack = await buildStack()
  adminCookie = await login(stack.app, 'admin')
  admin = as(stack.app, adminCookie)
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
const running = (namespace: string) => ownVm(stack, namespace, true, 'ops')
const stopped = (namespace: string) => ownVm(stack, namespace, false, 'ops')

/** A POST as a script sends it: no body at all, or an empty one declared as JSON. */
const bodyless = (url: string, contentType?: string) =>
  stack.app.inject({
    method: 'POST',
    url,
    headers: {
      cookie: adminCookie,
      origin: ORIGIN,
      ...(contentType ? { 'content-type': contentType } : {}),
    },
    ...(contentType ? { payload: '' } : {}),
  })

describe('power operations (KubeVirt subresources, as the user)', () => {
  it('stops a running VM: runStrategy Always becomes Halted and the VM stops', async () => {
    const vm = await running('prod')
    const { status, body } = await admin.post(`${vmUrl('prod', vm)}/stop`)
    expect(status).toBe(202)
    expect(body).toMatchObject({ accepted: true, message: `Stop requested for VM ${vm}.` })
    expect(vmSpec('prod', vm).runStrategy).toBe('Halted')
    await waitFor(() => summary('prod', vm)?.status === 'Stopped')
  })

  it('starts a stopped VM', async () => {
    const vm = await stopped('prod')
    const { status } = await admin.post(`${vmUrl('prod', vm)}/start`)
    expect(status).toBe(202)
    expect(vmSpec('prod', vm).runStrategy).toBe('Always')
    await waitFor(() => summary('prod', vm)?.status === 'Running')
  })

  it('accepts a body-less POST for every action that takes no parameters, as virtctl sends it', async () => {
    // No body and no Content-Type (`curl -X POST`), and an empty body declared as JSON.
    const vm = await running('prod')
    expect((await bodyless(`${vmUrl('prod', vm)}/stop`)).statusCode).toBe(202)
    await waitFor(() => summary('prod', vm)?.status === 'Stopped')
    expect((await bodyless(`${vmUrl('prod', vm)}/start`, 'application/json')).statusCode).toBe(202)
    await waitFor(() => summary('prod', vm)?.status === 'Running')
    expect((await bodyless(`${vmUrl('prod', vm)}/pause`)).statusCode).toBe(202)
    await waitFor(() => summary('prod', vm)?.flags.paused === true)
    expect((await bodyless(`${vmUrl('prod', vm)}/unpause`, 'application/json')).statusCode).toBe(
      202,
    )
    await waitFor(() => summary('prod', vm)?.flags.paused === false)
    expect((await bodyless(`${vmUrl('prod', vm)}/force-stop`)).statusCode).toBe(202)
    await waitFor(() => summary('prod', vm)?.status === 'Stopped')

    const other = await running('prod')
    expect((await bodyless(`${vmUrl('prod', other)}/restart`)).statusCode).toBe(202)
    const moving = await running('prod')
    expect(
      (await bodyless(`${vmUrl('prod', moving)}/migrate`, 'application/json')).statusCode,
    ).toBe(202)
    expect((await bodyless(`${vmUrl('prod', vm)}/snapshots`)).statusCode).toBe(202)
    expect((await bodyless(`${vmUrl('prod', vm)}/cloud-init/reveal`)).statusCode).toBe(200)
    for (const action of ['cordon', 'uncordon'])
      expect((await bodyless(`${C}/nodes/node-3/${action}`, 'application/json')).statusCode).toBe(
        202,
      )
    // What needs parameters still does: a clone needs a name.
    expect((await bodyless(`${vmUrl('prod', vm)}/clone`)).statusCode).toBe(400)
  })

  it("answers KubeVirt's 409 with its message when the VM already runs", async () => {
    const vm = await running('prod')
    const { status, body } = await admin.post(`${vmUrl('prod', vm)}/start`)
    expect(status).toBe(409)
    expect(String(body.message)).toMatch(/already running|does not support manual start/)
  })

  it('pauses and unpauses a running VM', async () => {
    const vm = await running('prod')
    expect((await admin.post(`${vmUrl('prod', vm)}/pause`)).status).toBe(202)
    await waitFor(() => summary('prod', vm)?.flags.paused === true)
    expect((await admin.post(`${vmUrl('prod', vm)}/unpause`)).status).toBe(202)
    await waitFor(() => summary('prod', vm)?.flags.paused === false)
  })

  it('answers 409 when pausing a VM that does not run', async () => {
    const vm = await stopped('dev')
    const { status } = await admin.post(`${vmUrl('dev', vm)}/pause`)
    expect(status).toBe(409)
  })

  it('restarts, force-restarts and force-stops', async () => {
    const vm = await running('prod')
    const vmiDef = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!
    const vmi = () => stack.sim.store.peek(vmiDef, 'prod', vm)
    // A restart replaces the VMI: wait for the new one to run, not for the old one's status.
    const restarted = async (before: string | undefined) => {
      await waitFor(
        () =>
          vmi()?.metadata.uid !== before &&
          (vmi()?.status as { phase?: string } | undefined)?.phase === 'Running',
      )
      await waitFor(() => summary('prod', vm)?.status === 'Running')
    }
    await waitFor(() => vmi() !== undefined)
    let uid = vmi()?.metadata.uid
    expect((await admin.post(`${vmUrl('prod', vm)}/restart`)).status).toBe(202)
    await restarted(uid)
    uid = vmi()?.metadata.uid
    expect((await admin.post(`${vmUrl('prod', vm)}/force-restart`)).status).toBe(202)
    await restarted(uid)
    expect((await admin.post(`${vmUrl('prod', vm)}/force-stop`)).status).toBe(202)
    await waitFor(() => vmSpec('prod', vm).runStrategy === 'Halted')
    await waitFor(() => summary('prod', vm)?.status === 'Stopped')
  })

  it("refuses a start RBAC does not allow with kube-apiserver's 403 and its message, and changes nothing", async () => {
    // kube-apiserver authorizes subresources.kubevirt.io before its aggregator reaches virt-api.
    const vm = await stopped('dev')
    const { status, body } = await viewer.post(`${vmUrl('dev', vm)}/start`)
    expect(status).toBe(403)
    expect(body).toMatchObject({ statusCode: 403, error: 'Forbidden' })
    expect(String(body.message)).toMatch(
      /cannot update resource "virtualmachines\/start" in API group "subresources\.kubevirt\.io"/,
    )
    expect(vmSpec('dev', vm).runStrategy).toBe('Halted')
  })

  it('lets helpdesk restart but not stop (their role has restart only)', async () => {
    const vm = await running('default')
    expect((await helpdesk.post(`${vmUrl('default', vm)}/restart`)).status).toBe(202)
    expect((await helpdesk.post(`${vmUrl('default', vm)}/stop`)).status).toBe(403)
    expect(vmSpec('default', vm).runStrategy).toBe('Always')
  })

  it('refuses helpdesk what its role lacks: create, delete, snapshot, migrate (403, no change)', async () => {
    const vm = await running('default')
    const before = vmSpec('default', vm)
    expect((await helpdesk.del(vmUrl('default', vm))).status).toBe(403)
    expect((await helpdesk.post(`${vmUrl('default', vm)}/snapshots`, {})).status).toBe(403)
    expect((await helpdesk.post(`${vmUrl('default', vm)}/migrate`, {})).status).toBe(403)
    expect((await helpdesk.post(`${vmUrl('default', vm)}/pause`, {})).status).toBe(403)
    const created = await helpdesk.post(`${C}/vms`, {
      name: 'helpdesk-vm',
      namespace: 'default',
      compute: { kind: 'custom', cpus: 1, memory: '1Gi' },
      bootSource: { type: 'containerDisk', image: 'quay.io/x/y:1' },
      startNow: false,
    })
    expect(created.status).toBe(403)
    expect(String(created.body.message)).toMatch(/forbidden/i)
    expect(vmSpec('default', vm)).toEqual(before)
  })

  it('answers 404 for a missing VM, 400 for an unknown action or a stray option', async () => {
    const vm = await running('prod')
    expect((await admin.post(`${vmUrl('prod', 'ghost')}/start`)).status).toBe(404)
    expect((await admin.post(`${vmUrl('prod', vm)}/explode`)).status).toBe(400)
    expect((await admin.post(`${vmUrl('prod', vm)}/stop`, { paused: true })).status).toBe(400)
    expect((await admin.post(`${vmUrl('prod', vm)}/stop`, { force: true })).status).toBe(400)
    expect(vmSpec('prod', vm).runStrategy).toBe('Always')
  })

  it('refuses a mutation with a body that is not JSON (415) or from another origin (403)', async () => {
    const vm = await running('prod')
    const plain = await stack.app.inject({
      method: 'POST',
      url: `${vmUrl('prod', vm)}/stop`,
      headers: { cookie: adminCookie, origin: ORIGIN, 'content-type': 'text/plain' },
      payload: 'stop',
    })
    expect(plain.statusCode).toBe(415)
    const form = await stack.app.inject({
      method: 'POST',
      url: `${vmUrl('prod', vm)}/stop`,
      headers: {
        cookie: adminCookie,
        origin: ORIGIN,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'a=b',
    })
    expect(form.statusCode).toBe(415)
    const cross = await stack.app.inject({
      method: 'POST',
      url: `${vmUrl('prod', vm)}/stop`,
      headers: { cookie: adminCookie, origin: 'http://evil.vmdeck.test' },
      payload: {},
    })
    expect(cross.statusCode).toBe(403)
    const crossBodyless = await stack.app.inject({
      method: 'POST',
      url: `${vmUrl('prod', vm)}/stop`,
      headers: { cookie: adminCookie, origin: 'http://evil.vmdeck.test' },
    })
    expect(crossBodyless.statusCode).toBe(403)
    expect(vmSpec('prod', vm).runStrategy).toBe('Always')
  })
})

describe('migrations', () => {
  /** Migrates `vm` to a node it does not run on; resolves once it runs there. */
  const migrateAway = async (vm: string) => {
    const from = summary('prod', vm)?.node
    const to = ['node-1', 'node-2', 'node-3'].find((n) => n !== from)!
    const { status } = await admin.post(`${vmUrl('prod', vm)}/migrate`, { targetNode: to })
    expect(status).toBe(202)
    await waitFor(() => summary('prod', vm)?.node === to)
    return to
  }

  it('live-migrates a VM to a chosen node and lists the migration', async () => {
    const vm = await running('prod')
    const to = await migrateAway(vm)
    const list = await admin.get<VmMigrationList>(`${C}/migrations`)
    expect(list.status).toBe(200)
    expect(list.body.items.find((m) => m.vmName === vm)).toMatchObject({
      namespace: 'prod',
      targetNode: to,
    })
  })

  it('refuses an unknown target node and the node the VM already runs on', async () => {
    const vm = await running('prod')
    expect(
      (await admin.post(`${vmUrl('prod', vm)}/migrate`, { targetNode: 'node-9' })).status,
    ).toBe(400)
    await waitFor(() => summary('prod', vm)?.node !== undefined)
    const here = summary('prod', vm)?.node
    expect((await admin.post(`${vmUrl('prod', vm)}/migrate`, { targetNode: here })).status).toBe(
      409,
    )
  })

  it('refuses viewer (no kubevirt.io:migrate) with 403', async () => {
    const vm = await running('prod')
    const { status } = await viewer.post(`${vmUrl('prod', vm)}/migrate`)
    expect(status).toBe(403)
  })

  it('cancels an active migration by deleting it, and says when there is nothing to cancel', async () => {
    const vm = await running('prod')
    // A migration whose target can never be scheduled stays active until cancelled.
    const def = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstancemigrations')!
    const stuck = `${vm}-stuck`
    await stack.sim.store.create(def, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceMigration',
      metadata: { name: stuck, namespace: 'prod' },
      spec: { vmiName: vm, addedNodeSelector: { 'vmdeck.test/nowhere': 'true' } },
    })
    await waitFor(() => cluster().migrations.get('prod', stuck)?.active === true)
    const { status } = await admin.del(`${vmUrl('prod', vm)}/migrations/${stuck}`)
    expect(status).toBe(202)
    await waitFor(() => !cluster().migrations.get('prod', stuck))
    expect((await admin.del(`${vmUrl('prod', vm)}/migrations/${stuck}`)).status).toBe(404)

    const moved = await running('prod')
    await migrateAway(moved)
    // A whole migration, on a machine running the other suites beside this one.
    await waitUntil(
      () => [...cluster().migrations.list()].some((m) => m.vmName === moved && !m.active),
      45_000,
    )
    const done = [...cluster().migrations.list()].find((m) => m.vmName === moved && !m.active)!
    const again = await admin.del(`${vmUrl('prod', moved)}/migrations/${done.name}`)
    expect(again.status).toBe(409)
  }, 90_000)
})
