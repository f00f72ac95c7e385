import type { VmDetail, VmEventList, VmYaml } from '@vmdeck/shared'
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

const vmDef = () => stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!

describe('GET …/namespaces/{ns}/vms/{name}', () => {
  it('answers the detail view model: summary plus disks, NICs and conditions', async () => {
    const { status, body } = await viewer.get<VmDetail>(vmUrl('prod', 'web-01'))
    expect(status).toBe(200)
    expect(body).toMatchObject({ namespace: 'prod', name: 'web-01', cpus: 1, memory: '128Mi' })
    expect(body.disks).toEqual([
      expect.objectContaining({
        name: 'rootdisk',
        type: 'disk',
        bus: 'virtio',
        source: { kind: 'containerDisk', ref: 'quay.io/containerdisks/fedora:41' },
        owned: false,
      }),
      expect.objectContaining({ name: 'cloudinit', source: { kind: 'cloudInitNoCloud' } }),
    ])
    expect(body.nics[0]).toMatchObject({ name: 'default', network: 'pod', binding: 'masquerade' })
    expect(body.evictionStrategy).toBe('LiveMigrate')
    expect(Array.isArray(body.snapshots)).toBe(true)
    expect(body).not.toHaveProperty('spec')
  })

  it('answers 404 with the Kubernetes-style message for a VM that does not exist', async () => {
    const { status, body } = await viewer.get(vmUrl('prod', 'nope'))
    expect(status).toBe(404)
    expect(body).toMatchObject({
      statusCode: 404,
      message: 'virtualmachines.kubevirt.io "nope" not found in namespace "prod"',
    })
  })

  it('rejects names that are not DNS-1123 labels before anything reaches Kubernetes', async () => {
    for (const bad of ['UPPER', 'a_b', '-x', 'x'.repeat(64), 'caf%C3%A9', 'a.b'])
      expect((await viewer.get(vmUrl('prod', bad))).status, bad).toBe(400)
    // Dot segments and encoded slashes never become path segments of an upstream URL.
    for (const bad of ['%2e%2e', '..', 'a%2Fb'])
      expect([400, 404], bad).toContain((await viewer.get(vmUrl('prod', bad))).status)
  })
})

describe('GET …/vms/{name}/events and /yaml', () => {
  it('lists the events of the VM, its VMI and its launcher pod, not those of other VMs', async () => {
    const def = stack.sim.registry.find('', 'v1', 'events')!
    const event = (name: string, kind: string, objectName: string, reason: string) =>
      stack.sim.store.create(def, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: 'prod' },
        involvedObject: { kind, name: objectName, namespace: 'prod' },
        reason,
        message: `${reason} happened`,
        type: 'Normal',
        count: 1,
        lastTimestamp: '2026-01-01T00:00:00Z',
      })
    await event('e1', 'VirtualMachine', 'web-02', 'TestCreate')
    await event('e2', 'Pod', 'virt-launcher-web-02-abcde', 'TestPodStarted')
    await event('e3', 'VirtualMachine', 'web-01', 'TestOther')
    const { status, body } = await admin.get<VmEventList>(`${vmUrl('prod', 'web-02')}/events`)
    expect(status).toBe(200)
    const reasons = body.items.map((e) => e.reason)
    expect(reasons).toEqual(expect.arrayContaining(['TestCreate', 'TestPodStarted']))
    expect(reasons).not.toContain('TestOther')
    expect(body.items.find((e) => e.reason === 'TestPodStarted')).toMatchObject({
      object: 'Pod/virt-launcher-web-02-abcde',
      message: 'TestPodStarted happened',
    })
  })

  it('answers 403 with the Kubernetes message when RBAC does not let the user read events', async () => {
    // kubevirt.io:view (the viewer's only role) grants no core events.
    const { status, body } = await viewer.get(`${vmUrl('prod', 'web-02')}/events`)
    expect(status).toBe(403)
    expect(String(body.message)).toMatch(/events/)
  })

  it('shows the raw VM as YAML without managedFields', async () => {
    const { status, body } = await viewer.get<VmYaml>(`${vmUrl('prod', 'web-01')}/yaml`)
    expect(status).toBe(200)
    expect(body.items[0]).toMatchObject({ kind: 'VirtualMachine', name: 'web-01' })
    expect(body.items[0]?.yaml).toMatch(/runStrategy: Always/)
    expect(body.items[0]?.yaml).not.toMatch(/managedFields/)
  })
})

describe('DELETE …/namespaces/{ns}/vms/{name}', () => {
  it('deletes the VM in the cluster', async () => {
    const { status, body } = await admin.del(vmUrl('dev', 'sandbox'))
    expect(status).toBe(202)
    expect(body).toMatchObject({ accepted: true })
    await waitUntil(() => {
      try {
        stack.sim.store.get(vmDef(), 'dev', 'sandbox')
        return false
      } catch {
        return true
      }
    })
    await waitUntil(() => !stack.app.clusters.get('vmdeck-sim')?.vms.get('dev', 'sandbox'))
    expect((await admin.get(vmUrl('dev', 'sandbox'))).status).toBe(404)
  })

  it('keeps owned disks with ?deleteDisks=false, deletes them by default', async () => {
    const dvDef = stack.sim.registry.find('cdi.kubevirt.io', 'v1beta1', 'datavolumes')!
    for (const name of ['keeps-disk', 'drops-disk']) {
      const created = await admin.post(`/api/v1/clusters/vmdeck-sim/vms`, {
        name,
        namespace: 'dev',
        compute: { kind: 'custom', cpus: 1, memory: '1Gi' },
        bootSource: { type: 'url', url: 'https://example.com/disk.qcow2', size: '1Gi' },
        startNow: false,
      })
      expect(created.status).toBe(201)
      await waitUntil(() => Boolean(stack.sim.store.peek(dvDef, 'dev', `${name}-rootdisk`)))
      await waitUntil(() => Boolean(stack.app.clusters.get('vmdeck-sim')?.vms.get('dev', name)))
    }
    const detail = await admin.get<VmDetail>(vmUrl('dev', 'keeps-disk'))
    expect(detail.body.disks[0]).toMatchObject({ owned: true, size: '1Gi' })
    expect((await admin.del(`${vmUrl('dev', 'keeps-disk')}?deleteDisks=false`)).status).toBe(202)
    expect((await admin.del(vmUrl('dev', 'drops-disk'))).status).toBe(202)
    await waitUntil(() => !stack.sim.store.peek(dvDef, 'dev', 'drops-disk-rootdisk'), 15_000)
    await waitUntil(() => !stack.sim.store.peek(vmDef(), 'dev', 'keeps-disk'), 15_000)
    expect(stack.sim.store.peek(dvDef, 'dev', 'keeps-disk-rootdisk')).toBeDefined()
  })

  it('answers 404 for a VM that does not exist and changes nothing', async () => {
    const before = stack.sim.store.list(vmDef()).items.length
    expect((await admin.del(vmUrl('dev', 'ghost'))).status).toBe(404)
    expect(stack.sim.store.list(vmDef()).items.length).toBe(before)
  })

  it('refuses a cross-site delete', async () => {
    const cookie = await login(stack.app, 'admin')
    const response = await stack.app.inject({
      method: 'DELETE',
      url: vmUrl('prod', 'db-01'),
      headers: { cookie, origin: 'https://evil.example' },
    })
    expect(response.statusCode).toBe(403)
    expect(stack.sim.store.get(vmDef(), 'prod', 'db-01')).toBeDefined()
  })
})
