// Templates: a VM saved as a labelled, stopped copy; the catalog of those the user may see; and a
// batch of new VMs from one, named by a pattern, as one bulk task with a child per VM — refused
// whole, before anything is created, when a name is taken or the user may not create VMs.
import type { BulkAccepted, Task, TemplateList, VmCreateResult } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, buildStack, C, login, waitUntil, type TestStack } from './helper.ts'
import { vmManifest } from '../../cluster-sim/src/seed/vm-manifest.ts'
import { ownVm } from './own-vm.ts'

let stack: TestStack
let admin: ReturnType<typeof as>
let viewer: ReturnType<typeof as>
let template = ''

beforeAll(async () => {
  stack = await buildStack({ tasks: { followIntervalMs: 200, timeoutMs: 120_000 } })
  await waitUntil(() => cluster().tasks.synced, 30_000)
  admin = as(stack.app, await login(stack.app, 'admin'))
  viewer = as(stack.app, await login(stack.app, 'viewer'))
  const source = await ownVm(stack, 'dev', true, 'tplsrc')
  const saved = await admin.post(`${C}/namespaces/dev/vms/${source}/template`, {
    name: 'tpl-web',
    category: 'Web',
    description: 'A web server',
  })
  expect(saved.status).toBe(202)
  await waitUntil(() => cluster().vms.get('dev', 'tpl-web') !== undefined, 15_000)
  template = 'tpl-web'
}, 60_000)
afterAll(() => stack.close())

const cluster = () => stack.app.clusters.get('vmdeck-sim')!
const instantiate = (name: string) => `${C}/templates/dev/${name}/instantiate`

const ended = async (id: string, ms = 60_000): Promise<Task> => {
  await waitUntil(() => {
    const outcome = cluster().tasks.get(id)?.outcome
    return outcome !== undefined && outcome !== 'Running'
  }, ms)
  return cluster().tasks.get(id)!
}

describe('save as template', () => {
  it('creates a stopped copy, labelled and annotated, recorded as a create task', async () => {
    const row = cluster().vms.get('dev', template)!
    expect(row.labels['vmdeck.io/template']).toBe('true')
    expect(row.runStrategy).toBe('Halted')
    const { vm } = await cluster().vms.objects('dev', template)
    expect(vm?.metadata?.annotations).toMatchObject({
      'vmdeck.io/template-category': 'Web',
      'vmdeck.io/template-description': 'A web server',
    })
    const task = cluster()
      .tasks.newestFirst()
      .find((t) => t.action === 'create' && t.target.name === template)
    expect(task).toMatchObject({ user: 'admin', namespace: 'dev' })
  })

  it('lists the template with its category, description and size', async () => {
    const list = await admin.get<TemplateList>(`${C}/templates`)
    expect(list.status).toBe(200)
    const item = list.body.items.find((t) => t.name === template)
    expect(item).toMatchObject({ namespace: 'dev', category: 'Web', description: 'A web server' })
    expect(item?.cpus).toBeGreaterThan(0)
    // Only templates: a plain VM is not in the catalog.
    expect(
      list.body.items.every(
        (t) => cluster().vms.get(t.namespace, t.name)?.labels['vmdeck.io/template'] === 'true',
      ),
    ).toBe(true)
  })

  it('refuses a viewer (403) and creates nothing', async () => {
    const refused = await viewer.post(`${C}/namespaces/dev/vms/${template}/template`, {
      name: 'tpl-by-viewer',
    })
    expect([403, 404]).toContain(refused.status)
    expect(cluster().vms.get('dev', 'tpl-by-viewer')).toBeUndefined()
  })
})

describe('create VMs from a template', () => {
  it('creates five VMs from a pattern as one bulk task with a child per VM', async () => {
    const started = await admin.post<BulkAccepted>(instantiate(template), {
      pattern: 'tplweb-{01..05}',
      count: 5,
    })
    expect(started.status).toBe(202)
    expect(started.body.count).toBe(5)
    const parent = await ended(started.body.taskId!)
    expect(parent).toMatchObject({
      action: 'bulk',
      user: 'admin',
      namespace: 'dev',
      outcome: 'Succeeded',
      parameters: { action: 'create', count: '5', template: `dev/${template}` },
    })
    const children = cluster().tasks.children(parent.id)
    const names = ['tplweb-01', 'tplweb-02', 'tplweb-03', 'tplweb-04', 'tplweb-05']
    expect(children.map((c) => c.target.name).sort()).toEqual(names)
    expect(children.every((c) => c.action === 'create' && c.outcome === 'Succeeded')).toBe(true)
    for (const name of names) {
      const row = cluster().vms.get('dev', name)
      expect(row?.status).toBe('Stopped')
      expect(row?.labels['vmdeck.io/template']).toBeUndefined()
    }
  }, 90_000)

  it('refuses a taken name (400) and creates none of the batch', async () => {
    const before = cluster().tasks.newestFirst().length
    const taken = await admin.post<{ message: string }>(instantiate(template), {
      pattern: 'tplweb-{05..07}',
    })
    expect(taken.status).toBe(400)
    expect(taken.body.message).toContain('tplweb-05')
    expect(cluster().vms.get('dev', 'tplweb-06')).toBeUndefined()
    expect(cluster().tasks.newestFirst().length).toBe(before)
  })

  it('refuses bad patterns, a wrong count and a VM that is no template (400/404)', async () => {
    const bad = await admin.post<{ message: string }>(instantiate(template), {
      pattern: 'Web-{1..2}',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toMatch(/not a valid VM name/)
    const count = await admin.post(instantiate(template), { pattern: 'tplx-{1..3}', count: 2 })
    expect(count.status).toBe(400)
    const plain = await ownVm(stack, 'dev', false, 'tplplain')
    expect((await admin.post(instantiate(plain), { pattern: 'tply-{1..2}' })).status).toBe(404)
    expect(cluster().vms.get('dev', 'tplx-1')).toBeUndefined()
  })

  it("adds an SSH key through the template's cloud-init disk, and refuses one without (400)", async () => {
    const noDisk = await admin.post<{ message: string }>(instantiate(template), {
      pattern: 'tplk-{1..2}',
      sshKeySecret: 'my-keys',
    })
    expect(noDisk.status).toBe(400)
    expect(noDisk.body.message).toMatch(/no cloud-init disk/)
    expect(cluster().vms.get('dev', 'tplk-1')).toBeUndefined()

    await stack.sim.store.create(
      stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!,
      vmManifest({ namespace: 'dev', name: 'tplci-src', runStrategy: 'Halted', cloudInit: true }),
    )
    await waitUntil(() => cluster().vms.get('dev', 'tplci-src') !== undefined, 15_000)
    const saved = await admin.post(`${C}/namespaces/dev/vms/tplci-src/template`, { name: 'tplci' })
    expect(saved.status).toBe(202)
    await waitUntil(() => cluster().vms.get('dev', 'tplci') !== undefined, 15_000)
    const started = await admin.post<BulkAccepted>(instantiate('tplci'), {
      pattern: 'tplci-vm',
      sshKeySecret: 'my-keys',
    })
    expect(started.status).toBe(202)
    expect((await ended(started.body.taskId!)).outcome).toBe('Succeeded')
    const { vm } = await cluster().vms.objects('dev', 'tplci-vm')
    const spec = vm as unknown as { spec: { template: { spec: { accessCredentials: unknown } } } }
    expect(spec.spec.template.spec.accessCredentials).toEqual([
      {
        sshPublicKey: {
          source: { secret: { secretName: 'my-keys' } },
          propagationMethod: { noCloud: {} },
        },
      },
    ])
  }, 60_000)

  it('creates a VM with a size of its own; a dry run answers that VM and creates nothing', async () => {
    const size = { kind: 'custom', cpus: 3, memory: '3Gi' }
    const dry = await admin.post<VmCreateResult>(`${instantiate(template)}?dryRun=true`, {
      pattern: 'tplsz-1',
      count: 1,
      size,
    })
    expect(dry.status).toBe(200)
    type Domain = { cpu?: { cores?: number }; memory?: { guest?: string } }
    const domainOf = (manifest: unknown) =>
      (manifest as { spec: { template: { spec: { domain: Domain } } } }).spec.template.spec.domain
    expect(dry.body).toMatchObject({ namespace: 'dev', name: 'tplsz-1', dryRun: true })
    expect(domainOf(dry.body.manifest)).toMatchObject({
      cpu: { cores: 3 },
      memory: { guest: '3Gi' },
    })
    expect(cluster().vms.get('dev', 'tplsz-1')).toBeUndefined()

    const started = await admin.post<BulkAccepted>(instantiate(template), {
      pattern: 'tplsz-1',
      count: 1,
      size,
    })
    expect(started.status).toBe(202)
    expect((await ended(started.body.taskId!)).outcome).toBe('Succeeded')
    await waitUntil(() => cluster().vms.get('dev', 'tplsz-1') !== undefined, 15_000)
    expect(cluster().vms.get('dev', 'tplsz-1')).toMatchObject({ cpus: 3, memory: '3Gi' })
    const { vm } = await cluster().vms.objects('dev', 'tplsz-1')
    expect(domainOf(vm)).toMatchObject({ cpu: { cores: 3 }, memory: { guest: '3Gi' } })
  }, 60_000)

  it('refuses a bad size (400 with the error shape) and creates nothing', async () => {
    const before = cluster().tasks.newestFirst().length
    const bad = [
      { kind: 'custom', cpus: 0, memory: '2Gi' },
      { kind: 'custom', cpus: 2, memory: 'lots' },
      { kind: 'custom', cpus: 2, memory: '16Mi' },
      { kind: 'instancetype', instancetype: 'Not_A_Name' },
      { kind: 'huge' },
    ]
    for (const size of bad) {
      const refused = await admin.post<{ code: string; message: string }>(instantiate(template), {
        pattern: 'tplbad-{1..2}',
        size,
      })
      expect(refused.status, JSON.stringify(size)).toBe(400)
      expect(refused.body.message).toEqual(expect.any(String))
      expect(refused.body.code).toEqual(expect.any(String))
    }
    expect(cluster().vms.get('dev', 'tplbad-1')).toBeUndefined()
    expect(cluster().tasks.newestFirst().length).toBe(before)
  })

  it('lists whether a template can take an SSH key', async () => {
    const list = await admin.get<TemplateList>(`${C}/templates`)
    const byName = new Map(list.body.items.map((t) => [t.name, t]))
    expect(byName.get(template)?.sshKeys).toBe(false)
    expect(byName.get('tplci')?.sshKeys).toBe(true)
  })

  it('refuses a viewer (403) and creates nothing', async () => {
    const before = cluster().tasks.newestFirst().length
    const refused = await viewer.post(instantiate(template), { pattern: 'tplv-{1..2}' })
    expect([403, 404]).toContain(refused.status)
    expect(cluster().vms.get('dev', 'tplv-1')).toBeUndefined()
    expect(cluster().tasks.newestFirst().length).toBe(before)
  })
})
