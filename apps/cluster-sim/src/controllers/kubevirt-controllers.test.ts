// The KubeVirt controllers with simulated guests (`guests: 'none'`): VM run strategies,
// printableStatus, VMI phases, launcher pods, scheduling, subresources, admission, migration.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KObject } from '../apiserver/types.ts'
import { startSim, type Sim } from '../builtin-sim.ts'

const run = promisify(execFile)
let sim: Sim
let stateDir: string
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-kv-test-'))
  sim = await startSim({ stateDir, port: 0, guests: 'none' })
})
afterAll(async () => {
  await sim.close()
  rmSync(stateDir, { recursive: true, force: true })
})

const def = (group: string, plural: string) =>
  sim.registry.defs.find((d) => d.group === group && d.plural === plural)!
const vmDef = () => def('kubevirt.io', 'virtualmachines')
const vmiDef = () => def('kubevirt.io', 'virtualmachineinstances')

/** Resolves with the object once `check` holds for it, watching the store (no polling). */
function waitFor(
  group: string,
  plural: string,
  namespace: string,
  name: string,
  check: (o: KObject | undefined) => boolean,
  ms = 15_000,
): Promise<KObject | undefined> {
  const d = def(group, plural)
  const current = sim.store.peek(d, namespace, name)
  if (check(current)) return Promise.resolve(current && structuredClone(current))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop()
      const last = sim.store.peek(d, namespace, name)
      reject(
        new Error(
          `timed out waiting for ${plural} ${namespace}/${name}: ${JSON.stringify(last?.status)}`,
        ),
      )
    }, ms)
    const stop = sim.store.watch(d, sim.store.revision, () => {
      const latest = sim.store.peek(d, namespace, name)
      if (check(latest)) {
        clearTimeout(timer)
        queueMicrotask(stop)
        resolve(latest && structuredClone(latest))
      }
    })
  })
}
const printable = (o: KObject | undefined) =>
  (o?.status as { printableStatus?: string } | undefined)?.printableStatus
const waitForVm = (namespace: string, name: string, status: string) =>
  waitFor('kubevirt.io', 'virtualmachines', namespace, name, (o) => printable(o) === status)

const kubectl = async (...args: string[]) =>
  (await run('kubectl', ['--kubeconfig', sim.kubeconfigPath, ...args])).stdout

function vm(name: string, runStrategy: string, extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, namespace: 'default' },
    spec: {
      runStrategy,
      template: {
        spec: {
          domain: {
            cpu: { cores: 1 },
            memory: { guest: '128Mi' },
            devices: {
              disks: [{ name: 'rootdisk', disk: { bus: 'virtio' } }],
              interfaces: [{ name: 'default', masquerade: {} }],
            },
          },
          networks: [{ name: 'default', pod: {} }],
          evictionStrategy: 'LiveMigrate',
          volumes: [
            { name: 'rootdisk', containerDisk: { image: 'quay.io/containerdisks/fedora:41' } },
          ],
          ...extra,
        },
      },
    },
  }
}

const sub = (
  kind: 'virtualmachines' | 'virtualmachineinstances',
  name: string,
  action: string,
  body?: unknown,
  token?: string,
) =>
  sim.request(
    'PUT',
    `/apis/subresources.kubevirt.io/v1/namespaces/default/${kind}/${name}/${action}`,
    {
      ...(body === undefined ? {} : { body }),
      ...(token ? { token } : {}),
    },
  )

describe('the seeded fleet', () => {
  it('runs the Always VMs with a VMI on a node and a virt-launcher pod', async () => {
    const web = await waitForVm('prod', 'web-01', 'Running')
    expect(web?.status).toMatchObject({ created: true, ready: true, runStrategy: 'Always' })
    const vmi = sim.store.get(vmiDef(), 'prod', 'web-01')
    const status = vmi.status as Record<string, unknown>
    expect(status.phase).toBe('Running')
    expect(status.nodeName).toMatch(/^node-\d$/)
    expect((status.phaseTransitionTimestamps as { phase: string }[]).map((p) => p.phase)).toEqual([
      'Pending',
      'Scheduling',
      'Scheduled',
      'Running',
    ])
    expect(status.interfaces).toEqual([
      expect.objectContaining({ name: 'default', ipAddress: expect.stringMatching(/^10\.244\./) }),
    ])
    const pods = await kubectl(
      'get',
      'pods',
      '-n',
      'prod',
      '-l',
      'kubevirt.io=virt-launcher,vm.kubevirt.io/name=web-01',
      '-o',
      'jsonpath={.items[*].status.phase} {.items[*].spec.nodeName}',
    )
    expect(pods).toBe(`Running ${String(status.nodeName)}`)
    expect(
      await kubectl(
        'get',
        'vm',
        '-n',
        'dev',
        'build-runner',
        '-o',
        'jsonpath={.status.printableStatus}',
      ),
    ).toBe('Stopped')
  })
})

describe('runStrategy and subresources', () => {
  it('starts, pauses, stops a Manual VM through the subresource API with the real codes', async () => {
    await sim.request('POST', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {
      body: vm('manual-1', 'Manual'),
    })
    await waitForVm('default', 'manual-1', 'Stopped')
    expect((await sub('virtualmachines', 'manual-1', 'stop')).body).toMatchObject({
      code: 409,
      message:
        'Operation cannot be fulfilled on virtualmachine.kubevirt.io "manual-1": VM is not running',
    })
    const pauseStopped = await sub('virtualmachineinstances', 'manual-1', 'pause')
    expect(pauseStopped.status).toBe(404)
    const start = await sub('virtualmachines', 'manual-1', 'start', {})
    expect([start.status, start.text]).toEqual([202, ''])
    await waitForVm('default', 'manual-1', 'Running')
    expect((await sub('virtualmachines', 'manual-1', 'start')).body).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on virtualmachine.kubevirt.io "manual-1": VM is already running',
    })
    const pause = await sub('virtualmachineinstances', 'manual-1', 'pause', {})
    expect([pause.status, pause.text]).toEqual([200, ''])
    await waitForVm('default', 'manual-1', 'Paused')
    expect((await sub('virtualmachineinstances', 'manual-1', 'pause')).body).toMatchObject({
      code: 409,
      message:
        'Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "manual-1": VMI is already paused',
    })
    expect((await sub('virtualmachineinstances', 'manual-1', 'unpause')).status).toBe(200)
    await waitForVm('default', 'manual-1', 'Running')
    expect((await sub('virtualmachines', 'manual-1', 'stop')).status).toBe(202)
    await waitForVm('default', 'manual-1', 'Stopped')
    expect(sim.store.peek(vmiDef(), 'default', 'manual-1')).toBeUndefined()
  })

  it('refuses start on Always and maps stop to runStrategy Halted', async () => {
    await sim.request('POST', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {
      body: vm('always-1', 'Always'),
    })
    await waitForVm('default', 'always-1', 'Running')
    expect((await sub('virtualmachines', 'always-1', 'start')).body).toMatchObject({ code: 409 })
    expect(
      (await sub('virtualmachines', 'always-1', 'restart', { gracePeriodSeconds: 5 })).body,
    ).toMatchObject({
      code: 400,
      message: 'For force restart, only gracePeriod=0 is supported for now',
    })
    const before = sim.store.get(vmiDef(), 'default', 'always-1').metadata.uid
    expect((await sub('virtualmachines', 'always-1', 'restart')).status).toBe(202)
    await waitFor(
      'kubevirt.io',
      'virtualmachineinstances',
      'default',
      'always-1',
      (o) =>
        !!o &&
        o.metadata.uid !== before &&
        (o.status as { phase?: string } | undefined)?.phase === 'Running',
    )
    expect((await sub('virtualmachines', 'always-1', 'stop')).status).toBe(202)
    const stopped = await waitForVm('default', 'always-1', 'Stopped')
    expect((stopped?.spec as { runStrategy: string }).runStrategy).toBe('Halted')
    expect((await sub('virtualmachines', 'always-1', 'restart')).body).toMatchObject({
      code: 409,
      message:
        'Operation cannot be fulfilled on virtualmachine.kubevirt.io "always-1": RunStategy Halted does not support manual restart requests',
    })
    const events = await kubectl(
      'get',
      'events',
      '-n',
      'default',
      '--field-selector',
      'involvedObject.name=always-1',
      '-o',
      'jsonpath={.items[*].reason}',
    )
    expect(events).toContain('SuccessfulCreate')
    expect(events).toContain('SuccessfulDelete')
  })

  it('keeps a running Manual VM running when its strategy changes to Manual (KubeVirt semantics)', async () => {
    const current = sim.store.get(vmDef(), 'dev', 'sandbox')
    sim.store.update(vmDef(), {
      ...current,
      spec: { ...(current.spec as object), runStrategy: 'Always' },
    })
    await waitForVm('dev', 'sandbox', 'Running')
    const again = sim.store.get(vmDef(), 'dev', 'sandbox')
    sim.store.update(vmDef(), {
      ...again,
      spec: { ...(again.spec as object), runStrategy: 'Manual' },
    })
    await waitFor(
      'kubevirt.io',
      'virtualmachines',
      'dev',
      'sandbox',
      (o) => (o?.status as { runStrategy?: string }).runStrategy === 'Manual',
    )
    expect(printable(sim.store.peek(vmDef(), 'dev', 'sandbox'))).toBe('Running')
    const halted = sim.store.get(vmDef(), 'dev', 'sandbox')
    sim.store.update(vmDef(), {
      ...halted,
      spec: { ...(halted.spec as object), runStrategy: 'Halted' },
    })
    await waitForVm('dev', 'sandbox', 'Stopped')
  })

  it('answers guest-agent reads and reset on running VMIs', async () => {
    const info = await sim.request(
      'GET',
      '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachineinstances/web-01/guestosinfo',
    )
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({ os: { id: 'debian' } })
    const missing = await sim.request(
      'GET',
      '/apis/subresources.kubevirt.io/v1/namespaces/dev/virtualmachineinstances/build-runner/guestosinfo',
    )
    expect(missing.status).toBe(500)
    expect(
      (
        await sim.request(
          'PUT',
          '/apis/subresources.kubevirt.io/v1alpha3/namespaces/prod/virtualmachineinstances/web-01/reset',
        )
      ).status,
    ).toBe(200)
  })
})

describe('scheduling', () => {
  it('reports ErrorUnschedulable when no node has room, and schedules once one has', async () => {
    await sim.request('POST', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {
      body: vm('huge', 'Always', {
        domain: {
          cpu: { cores: 1 },
          memory: { guest: '40Gi' },
          devices: { disks: [], interfaces: [{ name: 'default', masquerade: {} }] },
        },
        volumes: [],
      }),
    })
    const stuck = await waitForVm('default', 'huge', 'ErrorUnschedulable')
    expect(
      (stuck?.status as { conditions: { type: string; message?: string }[] }).conditions,
    ).toContainEqual(
      expect.objectContaining({
        type: 'PodScheduled',
        message: expect.stringMatching(/^0\/3 nodes are available: 3 Insufficient memory\./),
      }),
    )
    const node = sim.store.get(def('', 'nodes'), undefined, 'node-2')
    sim.store.update(
      def('', 'nodes'),
      {
        ...node,
        status: {
          ...(node.status as object),
          allocatable: { cpu: '8', memory: '128Gi', pods: '110' },
        },
      },
      { subresource: 'status' },
    )
    await waitForVm('default', 'huge', 'Running')
    expect(
      (sim.store.get(vmiDef(), 'default', 'huge').status as { nodeName: string }).nodeName,
    ).toBe('node-2')
    await kubectl('delete', 'vm', '-n', 'default', 'huge')
    await waitFor('kubevirt.io', 'virtualmachines', 'default', 'huge', (o) => o === undefined)
  })
})

describe('admission', () => {
  it('rejects invalid VMs with KubeVirt webhook messages', async () => {
    const bad = vm('bad', 'Sometimes')
    const res = await sim.request(
      'POST',
      '/apis/kubevirt.io/v1/namespaces/default/virtualmachines',
      { body: bad },
    )
    expect(res.body).toMatchObject({
      code: 422,
      message:
        'admission webhook "virtualmachine-validator.kubevirt.io" denied the request: Invalid RunStrategy (Sometimes)',
    })
    const both = vm('bad', 'Always')
    ;(both.spec as { running?: boolean }).running = true
    expect(
      (
        (
          await sim.request('POST', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {
            body: both,
          })
        ).body as { message: string }
      ).message,
    ).toContain('Running and RunStrategy are mutually exclusive')
    const orphanDisk = vm('bad', 'Halted', {
      volumes: [],
    })
    expect(
      (
        (
          await sim.request('POST', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {
            body: orphanDisk,
          })
        ).body as { message: string }
      ).message,
    ).toBe(
      'admission webhook "virtualmachine-validator.kubevirt.io" denied the request: spec.template.spec.domain.devices.disks[0].Name \'rootdisk\' not found.',
    )
  })
})

describe('live migration (simulated guests)', () => {
  it('migrates through the migrate subresource with migrationState, and drains a node with kubectl', async () => {
    const vmi = sim.store.get(vmiDef(), 'prod', 'web-02')
    const source = (vmi.status as { nodeName: string }).nodeName
    const migrate = await sim.request(
      'PUT',
      '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachines/web-02/migrate',
      { body: {} },
    )
    expect([migrate.status, migrate.text]).toEqual([202, ''])
    const migrated = await waitFor(
      'kubevirt.io',
      'virtualmachineinstances',
      'prod',
      'web-02',
      (o) => {
        const s = o?.status as { migrationState?: { completed?: boolean } } | undefined
        return s?.migrationState?.completed === true
      },
    )
    const state = migrated?.status as { migrationState: Record<string, unknown>; nodeName: string }
    expect(state.migrationState).toMatchObject({
      sourceNode: source,
      failed: false,
      completed: true,
    })
    expect(state.nodeName).toBe(state.migrationState.targetNode)
    expect(state.nodeName).not.toBe(source)
    const phases = await kubectl(
      'get',
      'vmim',
      '-n',
      'prod',
      '-o',
      'jsonpath={.items[*].status.phase}',
    )
    expect(phases).toBe('Succeeded')
  })
})

describe('kubectl drain', () => {
  it('live-migrates every LiveMigrate VMI off the node and then empties it', async () => {
    const running = sim.store
      .list(vmiDef())
      .items.filter((v) => (v.status as { phase?: string }).phase === 'Running')
    const byNode = new Map<string, string[]>()
    for (const v of running) {
      const node = (v.status as { nodeName: string }).nodeName
      byNode.set(node, [...(byNode.get(node) ?? []), `${v.metadata.namespace}/${v.metadata.name}`])
    }
    const [node, vmis] = [...byNode].sort((a, b) => b[1].length - a[1].length)[0]!
    expect(vmis.length).toBeGreaterThanOrEqual(2)
    const out = await kubectl(
      'drain',
      node,
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--pod-selector=kubevirt.io=virt-launcher',
      '--timeout=120s',
    )
    expect(out).toContain(`node/${node} drained`)
    for (const key of vmis) {
      const [namespace, name] = key.split('/') as [string, string]
      const vmi = sim.store.get(vmiDef(), namespace, name)
      expect(vmi.status).toMatchObject({ phase: 'Running' })
      expect((vmi.status as { nodeName: string }).nodeName).not.toBe(node)
    }
    const left = await kubectl(
      'get',
      'pods',
      '-A',
      '--field-selector',
      `spec.nodeName=${node}`,
      '-o',
      'name',
    )
    expect(left.trim()).toBe('')
    expect(await kubectl('get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}')).toBe('true')
    await kubectl('uncordon', node)
  }, 150_000)
})

describe('subresource API: discovery and RBAC', () => {
  it('lists the subresources in discovery without shadowing kubevirt.io kinds', async () => {
    const raw = JSON.parse(await kubectl('get', '--raw', '/apis/subresources.kubevirt.io/v1')) as {
      resources: { name: string; verbs: string[] }[]
    }
    const names = raw.resources.map((r) => r.name)
    expect(names).toContain('virtualmachines/start')
    expect(names).toContain('virtualmachineinstances/vnc/screenshot')
    expect(names).not.toContain('virtualmachines')
    expect(await kubectl('get', 'vm', '-n', 'prod', 'web-01', '-o', 'name')).toContain(
      'virtualmachine.kubevirt.io/web-01',
    )
  })

  it('denies a subresource the user has no RBAC for with 401 and a plain-text body', async () => {
    const denied = await sim.request(
      'PUT',
      '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachines/web-01/stop',
      { token: sim.tokens.viewer, body: {} },
    )
    expect(denied.status).toBe(401)
    expect(denied.body).toBeUndefined() // not a JSON Status
    // helpdesk may restart but not stop.
    const helpdeskStop = await sim.request(
      'PUT',
      '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachines/web-01/stop',
      { token: sim.tokens.helpdesk, body: {} },
    )
    expect(helpdeskStop.status).toBe(401)
    const info = await sim.request(
      'GET',
      '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachineinstances/web-01/guestosinfo',
      { token: sim.tokens.viewer },
    )
    expect(info.status).toBe(200)
  })
})

describe('migration cancel and admission through kubectl', () => {
  it('aborts a running migration when its VirtualMachineInstanceMigration is deleted', async () => {
    const vmi = sim.store.get(vmiDef(), 'prod', 'db-01')
    const source = (vmi.status as { nodeName: string }).nodeName
    const created = await sim.request(
      'POST',
      '/apis/kubevirt.io/v1/namespaces/prod/virtualmachineinstancemigrations',
      {
        body: {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineInstanceMigration',
          metadata: { name: 'db-01-move' },
          spec: { vmiName: 'db-01' },
        },
      },
    )
    expect(created.status).toBe(201)
    expect((created.body as KObject).metadata.labels).toMatchObject({
      'kubevirt.io/vmi-name': 'db-01',
    })
    await waitFor(
      'kubevirt.io',
      'virtualmachineinstancemigrations',
      'prod',
      'db-01-move',
      (o) => (o?.status as { phase?: string } | undefined)?.phase === 'Running',
    )
    await waitForVm('prod', 'db-01', 'Migrating')
    // A second migration while one is in flight is refused by the webhook.
    const again = await sim.request(
      'PUT',
      '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachines/db-01/migrate',
      { body: {} },
    )
    expect(again.status).toBe(500)
    expect((again.body as { message: string }).message).toContain('in-flight migration detected')
    await kubectl('delete', 'vmim', '-n', 'prod', 'db-01-move', '--wait=false')
    const aborted = await waitFor(
      'kubevirt.io',
      'virtualmachineinstances',
      'prod',
      'db-01',
      (o) =>
        (o?.status as { migrationState?: { abortStatus?: string } } | undefined)?.migrationState
          ?.abortStatus === 'Succeeded',
    )
    expect(
      (aborted?.status as { migrationState: object; nodeName: string }).migrationState,
    ).toMatchObject({
      abortRequested: true,
      completed: true,
      failed: true,
    })
    expect((aborted?.status as { nodeName: string }).nodeName).toBe(source)
    await waitFor(
      'kubevirt.io',
      'virtualmachineinstancemigrations',
      'prod',
      'db-01-move',
      (o) => o === undefined,
    )
    await waitForVm('prod', 'db-01', 'Running')
  })

  it('shows the webhook message to kubectl users', async () => {
    const manifest = JSON.stringify(
      vm('bad-kubectl', 'Always', {
        volumes: [
          { name: 'rootdisk', containerDisk: { image: 'x' } },
          { name: 'rootdisk', containerDisk: { image: 'y' } },
        ],
      }),
    )
    const dir = mkdtempSync(join(tmpdir(), 'vmdeck-manifest-'))
    const file = join(dir, 'vm.json')
    writeFileSync(file, manifest)
    const failure = await kubectl('create', '--validate=false', '-f', file).catch(
      (error: { stderr: string }) => error.stderr,
    )
    rmSync(dir, { recursive: true, force: true })
    // kubectl prints an Invalid Status by its causes, as it does for KubeVirt's webhook.
    expect(failure).toContain(
      'The request is invalid: spec.template.spec.volumes[1].name: spec.template.spec.volumes[1] and spec.template.spec.volumes[0] must not have the same Name.',
    )
  })
})

describe('instancetypes', () => {
  it('admits a VM whose instancetype does not exist and reports FailedFindInstancetype (as v1.9.0)', async () => {
    const body = vm('typed', 'Always')
    ;(body.spec as Record<string, unknown>).instancetype = {
      kind: 'VirtualMachineClusterInstancetype',
      name: 'u1.huge',
    }
    const res = await sim.request(
      'POST',
      '/apis/kubevirt.io/v1/namespaces/default/virtualmachines',
      { body },
    )
    expect(res.status).toBe(201)
    const failed = await waitFor('kubevirt.io', 'virtualmachines', 'default', 'typed', (o) =>
      ((o?.status as { conditions?: { type: string }[] } | undefined)?.conditions ?? []).some(
        (c) => c.type === 'Failure',
      ),
    )
    expect((failed?.status as { conditions: object[] }).conditions).toContainEqual(
      expect.objectContaining({
        type: 'Failure',
        status: 'True',
        reason: 'FailedFindInstancetype',
        message: 'virtualmachineclusterinstancetypes.instancetype.kubevirt.io "u1.huge" not found',
      }),
    )
    expect(sim.store.peek(vmiDef(), 'default', 'typed')).toBeUndefined()
    // Once it exists, the VM starts with its CPU and memory.
    await sim.request(
      'POST',
      '/apis/instancetype.kubevirt.io/v1beta1/virtualmachineclusterinstancetypes',
      {
        body: {
          apiVersion: 'instancetype.kubevirt.io/v1beta1',
          kind: 'VirtualMachineClusterInstancetype',
          metadata: { name: 'u1.huge' },
          spec: { cpu: { guest: 2 }, memory: { guest: '1Gi' } },
        },
      },
    )
    await waitForVm('default', 'typed', 'Running')
    expect(sim.store.get(vmiDef(), 'default', 'typed').spec).toMatchObject({
      domain: { cpu: { sockets: 2 }, memory: { guest: '1Gi' } },
    })
  })
})

describe('more subresources', () => {
  it('freezes and unfreezes a running VMI and expands a VM spec with its instancetype', async () => {
    const base = '/apis/subresources.kubevirt.io/v1/namespaces/prod'
    const freeze = await sim.request('PUT', `${base}/virtualmachineinstances/web-02/freeze`, {
      body: { unfreezeTimeout: '5m' },
    })
    expect(freeze.status).toBe(200)
    expect(sim.store.get(vmiDef(), 'prod', 'web-02').status).toMatchObject({
      fsFreezeStatus: 'frozen',
    })
    expect(
      (await sim.request('PUT', `${base}/virtualmachineinstances/web-02/unfreeze`)).status,
    ).toBe(200)
    expect(sim.store.get(vmiDef(), 'prod', 'web-02').status).not.toHaveProperty('fsFreezeStatus')
    const expanded = await sim.request('GET', `${base}/virtualmachines/cache-01/expand-spec`)
    expect(expanded.status).toBe(200)
    expect((expanded.body as KObject).spec).toMatchObject({
      template: { spec: { domain: { cpu: { sockets: 1 }, memory: { guest: '2Gi' } } } },
    })
    expect((expanded.body as KObject).spec).not.toHaveProperty('instancetype')
  })
})
