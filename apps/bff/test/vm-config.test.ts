import type { TaskList, VmConfig, VmConfigApplied, VmConfigReview } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, buildStack, login, ORIGIN, vmUrl, waitUntil, type TestStack } from './helper.ts'
import { ownVm } from './own-vm.ts'

let stack: TestStack
let cookies: Record<'admin' | 'viewer' | 'helpdesk', string>
let admin: ReturnType<typeof as>
beforeAll(async () => {
  stack = await buildStack()
  cookies = {
    admin: await login(stack.app, 'admin'),
    viewer: await login(stack.app, 'viewer'),
    helpdesk: await login(stack.app, 'helpdesk'),
  }
  admin = as(stack.app, cookies.admin)
})
afterAll(() => stack.close())

const NS = 'default'
const config = async (name: string) => (await admin.get<VmConfig>(`${vmUrl(NS, name)}/config`)).body

async function patch<T = Record<string, unknown>>(
  user: keyof typeof cookies,
  name: string,
  section: string,
  payload: unknown,
): Promise<{ status: number; body: T }> {
  const response = await stack.app.inject({
    method: 'PATCH',
    url: `${vmUrl(NS, name)}/config/${section}`,
    headers: { cookie: cookies[user], origin: ORIGIN },
    payload: payload as object,
  })
  return { status: response.statusCode, body: response.json<T>() }
}

const review = (name: string, section: string, payload: unknown) =>
  admin.post<VmConfigReview & { code?: string; message?: string }>(
    `${vmUrl(NS, name)}/config/${section}/review`,
    payload,
  )

describe('VM configuration', () => {
  it("reads a VM's configuration; a viewer gets it read-only with the reason", async () => {
    const name = await ownVm(stack, NS, false, 'cfg')
    const body = await config(name)
    expect(body).toMatchObject({
      name,
      running: false,
      editable: true,
      compute: { kind: 'custom', cores: 1, memory: '128Mi', minMemory: '96Mi' },
      details: { runStrategy: 'Halted', evictionStrategy: 'LiveMigrate' },
    })
    expect(body.disks.map((d) => [d.name, d.sourceKind])).toEqual([['rootdisk', 'containerDisk']])
    expect(body.interfaces).toEqual([
      expect.objectContaining({ name: 'default', binding: 'masquerade', networkType: 'pod' }),
    ])
    const viewer = as(stack.app, cookies.viewer)
    const seen = await viewer.get<VmConfig>(`${vmUrl(NS, name)}/config`)
    expect(seen.status).toBe(200)
    expect(seen.body.editable).toBe(false)
    expect(seen.body.readOnlyReason).toMatch(/not change it/)
    expect((await admin.get(`${vmUrl(NS, 'no-such-vm')}/config`)).status).toBe(404)
  })

  it('reviews a details change as a dry run with the exact diff, then applies it', async () => {
    const name = await ownVm(stack, NS, false, 'cfg')
    const before = await config(name)
    const change = {
      ...before.details,
      labels: { ...before.details.labels, team: 'blue' },
      description: 'web tier',
    }
    const reviewed = await review(name, 'details', {
      version: before.version,
      change,
    })
    expect(reviewed.status).toBe(200)
    expect(reviewed.body.changes).toEqual([
      { path: 'metadata.labels.team', after: 'blue' },
      { path: 'metadata.annotations.description', after: 'web tier' },
    ])
    expect((await config(name)).version).toBe(before.version)

    const applied = await patch<VmConfigApplied>('admin', name, 'details', {
      version: before.version,
      change,
    })
    expect(applied.status).toBe(200)
    expect(applied.body.takesEffect).toBe('now')
    const after = await config(name)
    expect(after.details).toMatchObject({ labels: { team: 'blue' }, description: 'web tier' })
    expect(after.version).toBe(applied.body.version)
    // The change is in the task history: who reconfigured which section, and that it ended.
    const tasks = stack.app.clusters.get('vmdeck-sim')!.tasks
    await waitUntil(() =>
      tasks
        .newestFirst()
        .some((t) => t.action === 'configure' && t.target.name === name && t.outcome !== 'Running'),
    )
    const listed = await admin.get<TaskList>(`${vmUrl(NS, name)}/tasks`)
    const task = listed.body.items.find((t) => t.action === 'configure')
    expect(task).toMatchObject({
      parameters: { section: 'details' },
      outcome: 'Succeeded',
      user: expect.stringContaining('admin') as unknown,
    })

    // The version the first edit was made on is gone: a second write on it is refused.
    const stale = await patch('admin', name, 'details', {
      version: before.version,
      change,
    })
    expect(stale.status).toBe(409)
    expect(stale.body).toMatchObject({
      code: 'VM_CHANGED',
      message: expect.stringMatching(/someone changed this VM/i),
    })
  })

  it('refuses viewer and helpdesk with 403 from the API server and changes nothing', async () => {
    const name = await ownVm(stack, NS, false, 'cfg')
    const before = await config(name)
    const payload = {
      version: before.version,
      change: { ...before.details, labels: { hacked: 'yes' } },
    }
    expect((await patch('viewer', name, 'details', payload)).status).toBe(403)
    const helpdesk = as(stack.app, cookies.helpdesk)
    const refused = await helpdesk.post(`${vmUrl(NS, name)}/config/details/review`, payload)
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({ code: 'K8S_FORBIDDEN' })
    expect((await config(name)).version).toBe(before.version)
  })

  it('refuses bad input with 400 before anything is sent', async () => {
    const name = await ownVm(stack, NS, false, 'cfg')
    const { version } = await config(name)
    const cases: [string, unknown, string][] = [
      [
        'compute',
        { kind: 'custom', sockets: 1, cores: 1, threads: 1, memory: '64Mi' },
        'MEMORY_BELOW_MINIMUM',
      ],
      [
        'disks',
        { op: 'add', name: 'rootdisk', bus: 'virtio', source: { type: 'blank', size: '1Gi' } },
        'DISK_NAME_IN_USE',
      ],
      ['network', { op: 'add', name: 'default', network: { type: 'pod' } }, 'NIC_NAME_IN_USE'],
      ['initial-run', { userData: '#cloud-config\nusers: [unclosed' }, 'INVALID_CLOUD_INIT'],
    ]
    for (const [section, change, code] of cases) {
      const { status, body } = await review(name, section, { version, change })
      expect({ section, status, code: body.code }).toEqual({ section, status: 400, code })
    }
    expect(
      (
        await review(name, 'compute', {
          version,
          change: { kind: 'custom', sockets: 0, cores: 1, threads: 1, memory: '1Gi' },
        })
      ).status,
    ).toBe(400)
  })

  it('refuses a MAC address another VM of the namespace has', async () => {
    const first = await ownVm(stack, NS, false, 'cfg')
    const second = await ownVm(stack, NS, false, 'cfg')
    const mac = '02:00:00:aa:bb:01'
    const add = (name: string, rv: string) =>
      patch<VmConfigApplied & { code?: string }>('admin', name, 'network', {
        version: rv,
        change: {
          op: 'add',
          name: 'lan',
          macAddress: mac,
          network: { type: 'multus', networkName: 'vlan-10' },
        },
      })
    const added = await add(first, (await config(first)).version)
    expect(added.status).toBe(200)
    expect(added.body.takesEffect).toBe('next-start')
    expect((await config(first)).interfaces.map((i) => [i.name, i.binding, i.network])).toEqual([
      ['default', 'masquerade', 'Pod network'],
      ['lan', 'bridge', 'vlan-10'],
    ])
    const refused = await add(second, (await config(second)).version)
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({
      code: 'MAC_IN_USE',
      message: expect.stringContaining(first),
    })
  })

  it('adds a blank disk and removes it again on a stopped VM', async () => {
    const name = await ownVm(stack, NS, false, 'cfg')
    const added = await patch<VmConfigApplied>('admin', name, 'disks', {
      version: (await config(name)).version,
      change: { op: 'add', name: 'data', bus: 'virtio', source: { type: 'blank', size: '1Gi' } },
    })
    expect(added.status).toBe(200)
    expect(added.body.changes.map((c) => c.path)).toEqual(
      expect.arrayContaining([
        'spec.dataVolumeTemplates',
        'spec.template.spec.domain.devices.disks[data]',
      ]),
    )
    const withDisk = await config(name)
    expect(withDisk.disks.find((d) => d.name === 'data')).toMatchObject({
      sourceKind: 'dataVolume',
      size: '1Gi',
    })
    const removed = await patch('admin', name, 'disks', {
      version: withDisk.version,
      change: { op: 'remove', name: 'data' },
    })
    expect(removed.status).toBe(200)
    expect((await config(name)).disks.map((d) => d.name)).toEqual(['rootdisk'])
  })

  it('inserts an ISO into a CD-ROM drive of a stopped VM and ejects it', async () => {
    const name = await ownVm(stack, NS, false, 'cfg')
    const inserted = await patch<VmConfigApplied>('admin', name, 'disks', {
      version: (await config(name)).version,
      change: { op: 'insert-cdrom', name: 'cd', claimName: 'installer-iso' },
    })
    expect(inserted.status).toBe(200)
    expect(inserted.body.takesEffect).toBe('next-start')
    const withIso = await config(name)
    expect(withIso.disks.find((d) => d.name === 'cd')).toMatchObject({
      type: 'cdrom',
      bus: 'sata',
      sourceKind: 'persistentVolumeClaim',
      sourceName: 'installer-iso',
    })
    const ejected = await patch<VmConfigApplied>('admin', name, 'disks', {
      version: withIso.version,
      change: { op: 'eject-cdrom', name: 'cd' },
    })
    // The drive goes with its ISO: KubeVirt refuses an empty CD-ROM drive without its
    // DeclarativeHotplugVolumes feature gate.
    expect(ejected.status).toBe(200)
    expect((await config(name)).disks.map((d) => d.name)).toEqual(['rootdisk'])
    const twice = await review(name, 'disks', {
      version: (await config(name)).version,
      change: { op: 'eject-cdrom', name: 'rootdisk' },
    })
    expect(twice.status).toBe(400)
    expect(twice.body.code).toBe('NOT_A_CDROM')
  })

  it('adds a blank disk to a running VM as a hot-pluggable volume', async () => {
    const name = await ownVm(stack, NS, true, 'cfg')
    const added = await patch<VmConfigApplied>('admin', name, 'disks', {
      version: (await config(name)).version,
      change: { op: 'add', name: 'hot', bus: 'scsi', source: { type: 'blank', size: '1Gi' } },
    })
    expect(added.status).toBe(200)
    expect(['live', 'restart']).toContain(added.body.takesEffect)
    expect((await config(name)).disks.find((d) => d.name === 'hot')).toMatchObject({
      hotpluggable: true,
      sourceKind: 'dataVolume',
    })
  })

  it('writes SSH keys into the cloud-init user data of a stopped VM', async () => {
    const name = await ownVm(stack, NS, false, 'cfg')
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0a test@vmdeck'
    const applied = await patch<VmConfigApplied>('admin', name, 'initial-run', {
      version: (await config(name)).version,
      change: { userData: '#cloud-config\npassword: fedora\n', sshAuthorizedKeys: [key] },
    })
    expect(applied.status).toBe(200)
    expect(applied.body.takesEffect).toBe('next-start')
    const after = await config(name)
    expect(after.initialRun).toMatchObject({ cloudInitVolume: 'cloudinitdisk', hasUserData: true })
    const revealed = await admin.post<{ items: { userData?: string }[] }>(
      `${vmUrl(NS, name)}/cloud-init/reveal`,
    )
    expect(revealed.body.items[0]?.userData).toMatch(
      /^#cloud-config\n[\s\S]*ssh_authorized_keys:\n {2}- ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0a test@vmdeck/,
    )
  })

  it('documents the configuration routes in the OpenAPI document', async () => {
    const response = await stack.app.inject({
      url: '/api/docs',
      headers: { cookie: cookies.viewer },
    })
    const paths = Object.keys(response.json<{ paths: Record<string, unknown> }>().paths)
    const vm = '/api/v1/clusters/{cluster}/namespaces/{namespace}/vms/{name}'
    expect(paths).toEqual(
      expect.arrayContaining([
        `${vm}/config`,
        ...['details', 'compute', 'disks', 'network', 'initial-run'].flatMap((section) => [
          `${vm}/config/${section}`,
          `${vm}/config/${section}/review`,
        ]),
        '/api/v1/clusters/{cluster}/catalogs/networks',
        '/api/v1/clusters/{cluster}/namespaces/{namespace}/networks/vlan',
      ]),
    )
  })

  it('raises the memory of a running VM and says whether it applies live or at the restart', async () => {
    const name = await ownVm(stack, NS, true, 'cfg')
    const before = await config(name)
    expect(before.running).toBe(true)
    const applied = await patch<VmConfigApplied>('admin', name, 'compute', {
      version: before.version,
      change: { kind: 'custom', sockets: 1, cores: 1, threads: 1, memory: '256Mi' },
    })
    expect(applied.status).toBe(200)
    expect(applied.body.changes).toContainEqual({
      path: 'spec.template.spec.domain.memory.guest',
      before: '128Mi',
      after: '256Mi',
    })
    const after = await config(name)
    // KubeVirt's verdict, as the VM shows it: RestartRequired exactly when the answer said restart.
    expect(applied.body.takesEffect === 'restart').toBe(after.restartRequired !== undefined)
    expect(['live', 'restart']).toContain(applied.body.takesEffect)
  })
})
