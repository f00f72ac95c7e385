import type { VmSnapshotList } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, buildStack, login, vmUrl, waitUntil, type TestStack } from './helper.ts'

let stack: TestStack
let admin: ReturnType<typeof as>
let viewer: ReturnType<typeof as>
beforeAll(async () => {
  stack = await buildStack()
  admin = as(stack.app, await login(stack.app, 'admin'))
  viewer = as(stack.app, await login(stack.app, 'viewer'))
})
afterAll(() => stack.close())

const snapshotDef = () =>
  stack.sim.registry.find('snapshot.kubevirt.io', 'v1beta1', 'virtualmachinesnapshots')!
const cluster = () => stack.app.clusters.get('vmdeck-sim')!
const list = (namespace: string, name: string) =>
  admin.get<VmSnapshotList>(`${vmUrl(namespace, name)}/snapshots`)

describe('snapshots', () => {
  it('takes a snapshot of a VM and lists it until it is ready', async () => {
    const { status, body } = await admin.post(`${vmUrl('dev', 'build-runner')}/snapshots`, {
      name: 'before-upgrade',
    })
    expect(status).toBe(202)
    expect(body).toMatchObject({ name: 'before-upgrade' })
    await waitUntil(
      () => stack.sim.store.peek(snapshotDef(), 'dev', 'before-upgrade') !== undefined,
    )
    let items: VmSnapshotList['items'] = []
    const deadline = Date.now() + 15_000
    while (!items.some((s) => s.name === 'before-upgrade' && s.readyToUse)) {
      if (Date.now() > deadline) throw new Error('snapshot never became ready')
      items = (await list('dev', 'build-runner')).body.items
    }
    expect(items.find((s) => s.name === 'before-upgrade')).toMatchObject({
      vmName: 'build-runner',
      phase: 'Succeeded',
    })
    const detail = await admin.get<{ snapshots: { name: string }[] }>(vmUrl('dev', 'build-runner'))
    expect(detail.body.snapshots.map((s) => s.name)).toContain('before-upgrade')
  })

  it('answers 409 with a clear message when the VM must be stopped before a restore', async () => {
    await waitUntil(() => cluster().vms.get('prod', 'web-01')?.status === 'Running', 15_000)
    const { status, body } = await admin.post(
      `${vmUrl('prod', 'web-01')}/snapshots/anything/restore`,
    )
    expect(status).toBe(409)
    expect(body).toMatchObject({ code: 'VM_MUST_BE_STOPPED' })
    expect(String(body.message)).toMatch(/must be stopped before it can be restored/)
  })

  it('restores a stopped VM from its snapshot', async () => {
    const { status, body } = await admin.post(
      `${vmUrl('dev', 'build-runner')}/snapshots/before-upgrade/restore`,
    )
    expect(status).toBe(202)
    const restores = stack.sim.registry.find(
      'snapshot.kubevirt.io',
      'v1beta1',
      'virtualmachinerestores',
    )!
    await waitUntil(() => stack.sim.store.peek(restores, 'dev', String(body.name)) !== undefined)
  })

  it('refuses viewer with 403 and answers 404 for a snapshot of another VM or none', async () => {
    expect((await viewer.post(`${vmUrl('dev', 'build-runner')}/snapshots`, {})).status).toBe(403)
    expect((await admin.del(`${vmUrl('dev', 'sandbox')}/snapshots/before-upgrade`)).status).toBe(
      404,
    )
    expect((await admin.del(`${vmUrl('dev', 'build-runner')}/snapshots/nope`)).status).toBe(404)
  })

  it('deletes a snapshot', async () => {
    const { status } = await admin.del(`${vmUrl('dev', 'build-runner')}/snapshots/before-upgrade`)
    expect(status).toBe(202)
    await waitUntil(() => !stack.sim.store.peek(snapshotDef(), 'dev', 'before-upgrade'), 15_000)
  })
})

describe('clone', () => {
  it('clones a VM into a new VM in the same namespace', async () => {
    const vmDef = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
    const { status } = await admin.post(`${vmUrl('dev', 'build-runner')}/clone`, {
      name: 'build-runner-2',
    })
    expect(status).toBe(202)
    await waitUntil(() => Boolean(stack.sim.store.peek(vmDef, 'dev', 'build-runner-2')), 15_000)
  })

  it('clones a VM into another namespace', async () => {
    const vmDef = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
    const { status } = await admin.post(`${vmUrl('dev', 'build-runner')}/clone`, {
      name: 'runner-copy',
      namespace: 'default',
    })
    expect(status).toBe(202)
    // The BFF created it through kube-apiserver; the simulator's cache hears of it by watch.
    await waitUntil(() => stack.sim.store.peek(vmDef, 'default', 'runner-copy') !== undefined)
    const copy = stack.sim.store.get(vmDef, 'default', 'runner-copy')
    expect((copy.spec as { runStrategy: string }).runStrategy).toBe('Halted')
    expect(copy.metadata.annotations?.['vmdeck.io/cloned-from']).toBe('dev/build-runner')
  })

  it('answers 400 for a clone named like its source and 409 for a taken name', async () => {
    expect(
      (await admin.post(`${vmUrl('dev', 'build-runner')}/clone`, { name: 'build-runner' })).status,
    ).toBe(400)
    expect(
      (
        await admin.post(`${vmUrl('dev', 'build-runner')}/clone`, {
          name: 'jumpbox',
          namespace: 'default',
        })
      ).status,
    ).toBe(409)
  })
})
