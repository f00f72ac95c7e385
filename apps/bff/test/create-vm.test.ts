import type { VmCreateForm, VmCreateResult } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// Test-only shorthand for poking at the nested manifest.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any
import { vmFromForm } from '../src/lib/vm-from-form.ts'
import { as, buildStack, C, login, waitUntil, type TestStack } from './helper.ts'

let stack: TestStack
let admin: ReturnType<typeof as>
beforeAll(async () => {
  stack = await buildStack()
  admin = as(stack.app, await login(stack.app, 'admin'))
})
afterAll(() => stack.close())

const vmDef = () => stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
const exists = (namespace: string, name: string) =>
  stack.sim.store
    .list(vmDef())
    .items.some((vm) => vm.metadata.namespace === namespace && vm.metadata.name === name)

const form = (overrides: Partial<VmCreateForm> = {}): VmCreateForm => ({
  name: 'new-vm',
  namespace: 'dev',
  compute: { kind: 'custom', cpus: 2, memory: '2Gi' },
  bootSource: { type: 'containerDisk', image: 'quay.io/containerdisks/fedora:41' },
  networks: [{ name: 'default', type: 'pod' }],
  cloudInit: {
    user: 'fedora',
    password: 'changeme',
    sshAuthorizedKeys: ['ssh-ed25519 AAAAC3Nza x@y'],
  },
  startNow: false,
  ...overrides,
})

describe('POST /api/v1/clusters/{c}/vms', () => {
  it('answers the exact object with ?dryRun=true and creates nothing', async () => {
    const { status, body } = await admin.post<VmCreateResult>(`${C}/vms?dryRun=true`, form())
    expect(status).toBe(200)
    expect(body).toMatchObject({ namespace: 'dev', name: 'new-vm', dryRun: true })
    expect(body.manifest).toMatchObject({
      kind: 'VirtualMachine',
      metadata: { name: 'new-vm', namespace: 'dev' },
      spec: {
        runStrategy: 'Halted',
        template: { spec: { domain: { cpu: { cores: 2 }, memory: { guest: '2Gi' } } } },
      },
    })
    expect(exists('dev', 'new-vm')).toBe(false)
  })

  it('creates the VM as the user; it shows up in the list', async () => {
    const { status } = await admin.post<VmCreateResult>(`${C}/vms`, form({ startNow: true }))
    expect(status).toBe(201)
    await waitUntil(() => exists('dev', 'new-vm'))
    const vm = stack.sim.store.get(vmDef(), 'dev', 'new-vm')
    expect((vm.spec as { runStrategy: string }).runStrategy).toBe('Always')
    await waitUntil(() => Boolean(stack.app.clusters.get('vmdeck-sim')?.vms.get('dev', 'new-vm')))
  })

  it('answers 409 with the Kubernetes message when the name is taken', async () => {
    const { status, body } = await admin.post(`${C}/vms`, form())
    expect(status).toBe(409)
    expect(String(body.message)).toMatch(/already exists/)
  })

  it('rejects invalid forms with 400 before anything reaches Kubernetes', async () => {
    const before = stack.sim.store.list(vmDef()).items.length
    const bad: unknown[] = [
      { ...form(), name: 'Bad_Name' },
      { ...form(), extra: true },
      { ...form(), compute: { kind: 'custom', cpus: 0, memory: '2Gi' } },
      { ...form(), compute: { kind: 'custom', cpus: 1, memory: 'lots' } },
      { ...form(), bootSource: { type: 'url', url: 'file:///etc/passwd', size: '10Gi' } },
      { ...form(), cloudInit: { password: 'a\nruncmd: [reboot]' } },
      {
        ...form(),
        networks: [
          { name: 'default', type: 'pod' },
          { name: 'default', type: 'pod' },
        ],
      },
      { ...form(), disks: [{ name: 'rootdisk', size: '1Gi' }] },
    ]
    for (const body of bad) {
      const answer = await admin.post(`${C}/vms?dryRun=true`, body)
      expect(answer.status, JSON.stringify(body)).toBe(400)
    }
    expect(stack.sim.store.list(vmDef()).items.length).toBe(before)
  })
})

describe('vmFromForm', () => {
  it('imports a URL into an owned DataVolume and adds blank disks and Multus NICs', () => {
    const vm = vmFromForm(
      form({
        compute: { kind: 'instancetype', instancetype: 'u1.medium' },
        preference: { name: 'fedora' },
        bootSource: { type: 'url', url: 'https://example.com/disk.qcow2', size: '10Gi' },
        disks: [{ name: 'data', size: '5Gi', storageClass: 'fast' }],
        networks: [
          { name: 'default', type: 'pod' },
          { name: 'vlan100', type: 'multus', networkName: 'vlan100-net' },
        ],
      }),
    ) as { spec: Record<string, Any> }
    expect(vm.spec.instancetype).toEqual({
      kind: 'VirtualMachineClusterInstancetype',
      name: 'u1.medium',
    })
    expect(vm.spec.preference).toEqual({ kind: 'VirtualMachineClusterPreference', name: 'fedora' })
    expect(vm.spec.dataVolumeTemplates).toEqual([
      {
        metadata: { name: 'new-vm-rootdisk' },
        spec: {
          source: { http: { url: 'https://example.com/disk.qcow2' } },
          storage: { resources: { requests: { storage: '10Gi' } } },
        },
      },
      {
        metadata: { name: 'new-vm-data' },
        spec: {
          source: { blank: {} },
          storage: { storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } },
        },
      },
    ])
    const template = vm.spec.template.spec
    expect(template.domain.cpu).toBeUndefined()
    expect(template.networks).toEqual([
      { name: 'default', pod: {} },
      { name: 'vlan100', multus: { networkName: 'vlan100-net' } },
    ])
    expect(template.domain.devices.interfaces).toEqual([
      { name: 'default', masquerade: {} },
      { name: 'vlan100', bridge: {} },
    ])
  })

  it('writes cloud-init values as quoted strings, so they cannot add keys', () => {
    const vm = vmFromForm(form({ cloudInit: { user: 'fedora', password: 'p: "x" #y' } })) as {
      spec: Record<string, Any>
    }
    const userData: string = vm.spec.template.spec.volumes[1].cloudInitNoCloud.userData
    expect(userData).toContain('password: "p: \\"x\\" #y"')
    expect(userData.startsWith('#cloud-config\n')).toBe(true)
  })

  it('clones a PVC or a DataSource', () => {
    const pvc = vmFromForm(
      form({ bootSource: { type: 'pvc', name: 'golden', namespace: 'images', size: '20Gi' } }),
    ) as { spec: Record<string, Any> }
    expect(pvc.spec.dataVolumeTemplates[0].spec.source).toEqual({
      pvc: { namespace: 'images', name: 'golden' },
    })
    const ds = vmFromForm(
      form({ bootSource: { type: 'dataSource', name: 'fedora', size: '20Gi' } }),
    ) as {
      spec: Record<string, Any>
    }
    expect(ds.spec.dataVolumeTemplates[0].spec.sourceRef).toEqual({
      kind: 'DataSource',
      name: 'fedora',
      namespace: 'dev',
    })
  })
})
