// KubeVirt's VM, VMI and migration controllers in the simulator on the real control plane, with
// simulated guests (`guests: 'none'`): run strategies, printableStatus, VMI phases, launcher pods
// that kube-scheduler binds and the node agents (kubelets) run, subresources through the
// aggregator, admission webhooks, migrations and `kubectl drain`.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Kubectl } from '../cluster/kubectl.ts'
import type { KObject, StoreEvent } from '../kube/types.ts'
import type { Sim } from '../sim.ts'
import { testVm } from '../../test/test-vm.ts'
import { useSim } from '../../test/use-sim.ts'
import { requireDef } from './context.ts'
import { waitForObject } from './wait-for-object.ts'

let sim: Sim
let kubectl: Kubectl
let stateDir: string
useSim({ guests: 'none', kubevirt: 'sim' }, (test) => ({ sim, kubectl, stateDir } = test))

const def = (group: string, plural: string) => requireDef(sim.registry, group, plural)
const vmDef = () => def('kubevirt.io', 'virtualmachines')
const vmiDef = () => def('kubevirt.io', 'virtualmachineinstances')
const podDef = () => def('', 'pods')

interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
}
const statusOf = (o: KObject | undefined) =>
  (o?.status ?? {}) as {
    phase?: string
    nodeName?: string
    printableStatus?: string
    runStrategy?: string
    conditions?: Condition[]
    interfaces?: { name: string; ipAddress?: string }[]
    phaseTransitionTimestamps?: { phase: string }[]
    fsFreezeStatus?: string
    migrationState?: {
      sourceNode?: string
      targetNode?: string
      completed?: boolean
      failed?: boolean
      abortRequested?: boolean
      abortStatus?: string
    }
  }
const waitFor = (
  group: string,
  plural: string,
  namespace: string | undefined,
  name: string,
  check: (o: KObject | undefined) => boolean,
  ms = 30_000,
) => waitForObject(sim.store, def(group, plural), namespace, name, check, ms)
const waitForVmi = (namespace: string, name: string, check: (o: KObject | undefined) => boolean) =>
  waitFor('kubevirt.io', 'virtualmachineinstances', namespace, name, check)
const waitForVm = (namespace: string, name: string, printableStatus: string) =>
  waitFor(
    'kubevirt.io',
    'virtualmachines',
    namespace,
    name,
    (o) => statusOf(o).printableStatus === printableStatus,
  )
/** The launcher pods of a VMI, as virt-controller finds them (by the VMI's uid). */
const podsOf = (vmi: KObject | undefined) =>
  sim.store
    .list(podDef(), vmi?.metadata.namespace)
    .items.filter((p) => vmi && p.metadata.labels?.['kubevirt.io/created-by'] === vmi.metadata.uid)
const nodeNameOf = (pod: KObject | undefined) => (pod?.spec as { nodeName?: string }).nodeName

const createVm = (body: KObject) =>
  sim.request('POST', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', { body })

const sub = (
  kind: 'virtualmachines' | 'virtualmachineinstances',
  name: string,
  action: string,
  options: { body?: unknown; token?: string; namespace?: string } = {},
) =>
  sim.request(
    'PUT',
    `/apis/subresources.kubevirt.io/v1/namespaces/${options.namespace ?? 'default'}/${kind}/${name}/${action}`,
    {
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.token ? { token: options.token } : {}),
    },
  )

describe('the seeded fleet', () => {
  it('runs the Always VMs: a launcher pod kube-scheduler binds and a kubelet runs, the VMI Running there', async () => {
    const web = await waitForVm('prod', 'web-01', 'Running')
    expect(web?.status).toMatchObject({ created: true, ready: true, runStrategy: 'Always' })
    const vmi = sim.store.get(vmiDef(), 'prod', 'web-01')
    const status = statusOf(vmi)
    expect(status.phase).toBe('Running')
    expect(status.nodeName).toMatch(/^node-\d$/)
    expect(vmi.metadata.labels?.['kubevirt.io/nodeName']).toBe(status.nodeName)
    expect(status.phaseTransitionTimestamps?.map((p) => p.phase)).toEqual([
      'Pending',
      'Scheduling',
      'Scheduled',
      'Running',
    ])
    // The kubelet gave the pod its address; the VMI reports it.
    const [pod, ...more] = podsOf(vmi)
    expect(more).toEqual([])
    const podIP = (pod?.status as { podIP?: string } | undefined)?.podIP
    expect(podIP).toMatch(/^10\.244\./)
    expect(status.interfaces).toEqual([
      expect.objectContaining({ name: 'default', ipAddress: podIP }),
    ])
    // The requests kube-scheduler fitted the pod with: KubeVirt's kvm device among them.
    const requests = (
      pod?.spec as { containers: { resources: { requests: Record<string, string> } }[] }
    ).containers[0]?.resources.requests
    expect(requests?.['devices.kubevirt.io/kvm']).toBe('1')
    expect(
      await kubectl(
        'get',
        'pods',
        '-n',
        'prod',
        '-l',
        'kubevirt.io=virt-launcher,vm.kubevirt.io/name=web-01',
        '-o',
        'jsonpath={.items[*].status.phase} {.items[*].spec.nodeName}',
      ),
    ).toBe(`Running ${String(status.nodeName)}`)
    // The binding was kube-scheduler's own: it records a Scheduled event for the pod.
    const events = await kubectl(
      'get',
      'events',
      '-n',
      'prod',
      '--field-selector',
      `involvedObject.name=${pod?.metadata.name ?? ''}`,
      '-o',
      'jsonpath={range .items[*]}{.reason} {.reportingComponent}{"\\n"}{end}',
    )
    expect(events).toContain('Scheduled default-scheduler')
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
    expect((await createVm(testVm('manual-1', 'Manual'))).status).toBe(201)
    await waitForVm('default', 'manual-1', 'Stopped')
    expect((await sub('virtualmachines', 'manual-1', 'stop')).body).toMatchObject({
      code: 409,
      message:
        'Operation cannot be fulfilled on virtualmachine.kubevirt.io "manual-1": VM is not running',
    })
    expect((await sub('virtualmachineinstances', 'manual-1', 'pause')).status).toBe(404)
    const start = await sub('virtualmachines', 'manual-1', 'start', { body: {} })
    expect([start.status, start.text]).toEqual([202, ''])
    await waitForVm('default', 'manual-1', 'Running')
    expect((await sub('virtualmachines', 'manual-1', 'start')).body).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on virtualmachine.kubevirt.io "manual-1": VM is already running',
    })
    const pause = await sub('virtualmachineinstances', 'manual-1', 'pause', { body: {} })
    expect([pause.status, pause.text]).toEqual([200, ''])
    await waitForVm('default', 'manual-1', 'Paused')
    expect((await sub('virtualmachineinstances', 'manual-1', 'pause')).body).toMatchObject({
      code: 409,
      message:
        'Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "manual-1": VMI is already paused',
    })
    expect((await sub('virtualmachineinstances', 'manual-1', 'unpause')).status).toBe(200)
    await waitForVm('default', 'manual-1', 'Running')

    // Stopping: the VMI goes, and its pod with it through a graceful deletion the kubelet ends.
    const vmi = sim.store.get(vmiDef(), 'default', 'manual-1')
    const [pod] = podsOf(vmi)
    const podEvents: StoreEvent[] = []
    const unwatch = sim.store.watch(podDef(), 0, (e) => {
      if (e.object.metadata.uid === pod?.metadata.uid) podEvents.push(e)
    })
    try {
      expect((await sub('virtualmachines', 'manual-1', 'stop')).status).toBe(202)
      const stopped = await waitForVm('default', 'manual-1', 'Stopped')
      expect(statusOf(stopped).conditions?.find((c) => c.type === 'Ready')?.reason).toBe(
        'VMINotExists',
      )
      await waitForVmi('default', 'manual-1', (o) => !o)
      await waitFor('', 'pods', 'default', pod?.metadata.name ?? '', (o) => !o)
    } finally {
      unwatch()
    }
    const terminating = podEvents.find(
      (e) => e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp,
    )
    expect(terminating?.object.metadata.deletionGracePeriodSeconds).toBeGreaterThan(0)
    expect(podEvents.at(-1)?.type).toBe('DELETED')
  })

  it('refuses a graceful restart, restarts with a new VMI and maps stop to runStrategy Halted', async () => {
    expect((await createVm(testVm('always-1', 'Always'))).status).toBe(201)
    await waitForVm('default', 'always-1', 'Running')
    expect(
      (await sub('virtualmachines', 'always-1', 'restart', { body: { gracePeriodSeconds: 5 } }))
        .body,
    ).toMatchObject({
      code: 400,
      message: 'For force restart, only gracePeriod=0 is supported for now',
    })
    const before = sim.store.get(vmiDef(), 'default', 'always-1').metadata.uid
    expect((await sub('virtualmachines', 'always-1', 'restart')).status).toBe(202)
    await waitForVmi(
      'default',
      'always-1',
      (o) => !!o && o.metadata.uid !== before && statusOf(o).phase === 'Running',
    )
    const stop = await sub('virtualmachines', 'always-1', 'stop')
    expect([stop.status, stop.text]).toEqual([202, ''])
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
    const strategy = (runStrategy: string) =>
      sim.store.patch(vmDef(), 'dev', 'sandbox', { spec: { runStrategy } })
    await strategy('Always')
    await waitForVm('dev', 'sandbox', 'Running')
    await strategy('Manual')
    const manual = await waitFor(
      'kubevirt.io',
      'virtualmachines',
      'dev',
      'sandbox',
      (o) => statusOf(o).runStrategy === 'Manual',
    )
    expect(statusOf(manual).printableStatus).toBe('Running')
    await strategy('Halted')
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

  it('lets helpdesk restart but not stop, and viewer read the guest agent only (RBAC)', async () => {
    const stop = (token: string) =>
      sub('virtualmachines', 'web-01', 'stop', { namespace: 'prod', body: {}, token })
    // kube-apiserver authorizes the aggregated request before virt-api sees it.
    for (const token of [sim.tokens.viewer, sim.tokens.helpdesk])
      expect(await stop(token)).toMatchObject({ status: 403, body: { reason: 'Forbidden' } })
    const info = await sim.request(
      'GET',
      '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachineinstances/web-01/guestosinfo',
      { token: sim.tokens.viewer },
    )
    expect(info.status).toBe(200)
  })
})

describe('scheduling', () => {
  it('reports kube-scheduler’s reason on the VMI and the VM when no node fits', async () => {
    // The demo's bigmem-test asks for more memory than any node has.
    const bigmem = await waitForVm('dev', 'bigmem-test', 'ErrorUnschedulable')
    expect(statusOf(bigmem).conditions).toContainEqual(
      expect.objectContaining({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: expect.stringMatching(/^0\/3 nodes are available: 3 Insufficient memory\./),
      }),
    )
    // A node selector no node matches: the VMI waits in Scheduling with the scheduler's words.
    expect(
      (
        await createVm(
          testVm('nowhere', 'Always', {
            template: { nodeSelector: { 'vmdeck.test/zone': 'nowhere' } },
          }),
        )
      ).status,
    ).toBe(201)
    const vmi = await waitForVmi(
      'default',
      'nowhere',
      (o) => statusOf(o).conditions?.some((c) => c.type === 'PodScheduled') ?? false,
    )
    expect(statusOf(vmi).conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: expect.stringMatching(
        /^0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector/,
      ),
    })
    expect(statusOf(vmi)).toMatchObject({ phase: 'Scheduling' })
    expect(statusOf(vmi).nodeName).toBeUndefined()
    await waitForVm('default', 'nowhere', 'ErrorUnschedulable')
    // Deleting it cleans up (an unbound pod needs no kubelet to go).
    await kubectl('delete', 'vm', '-n', 'default', 'nowhere')
    await waitFor('kubevirt.io', 'virtualmachines', 'default', 'nowhere', (o) => o === undefined)
    await expect.poll(() => podsOf(vmi)).toEqual([])
  })
})

describe('admission', () => {
  it('rejects invalid VMs with KubeVirt webhook messages', async () => {
    expect((await createVm(testVm('bad', 'Sometimes'))).body).toMatchObject({
      code: 422,
      message:
        'admission webhook "virtualmachine-validator.kubevirt.io" denied the request: Invalid RunStrategy (Sometimes)',
    })
    const both = testVm('bad', 'Always')
    ;(both.spec as { running?: boolean }).running = true
    expect(((await createVm(both)).body as { message: string }).message).toContain(
      'Running and RunStrategy are mutually exclusive',
    )
  })

  it('shows the webhook message to kubectl users', async () => {
    const file = join(stateDir, 'bad-kubectl.json')
    writeFileSync(
      file,
      JSON.stringify(
        testVm('bad-kubectl', 'Always', {
          template: {
            volumes: [
              { name: 'rootdisk', containerDisk: { image: 'x' } },
              { name: 'rootdisk', containerDisk: { image: 'y' } },
            ],
          },
        }),
      ),
    )
    const failure = await kubectl.run('create', '-f', file)
    expect(failure.code).not.toBe(0)
    expect(failure.stderr).toContain(
      'spec.template.spec.volumes[1] and spec.template.spec.volumes[0] must not have the same Name.',
    )
  })
})

describe('live migration (simulated guests)', () => {
  it('migrates through the migrate subresource to a pod kube-scheduler keeps off the source', async () => {
    const vmi = sim.store.get(vmiDef(), 'prod', 'web-02')
    const source = statusOf(vmi).nodeName
    const [sourcePod] = podsOf(vmi)
    const migrate = await sub('virtualmachines', 'web-02', 'migrate', {
      namespace: 'prod',
      body: {},
    })
    expect([migrate.status, migrate.text]).toEqual([202, ''])
    const migrated = await waitForVmi(
      'prod',
      'web-02',
      (o) => statusOf(o).migrationState?.completed === true,
    )
    const state = statusOf(migrated)
    expect(state.migrationState).toMatchObject({ sourceNode: source, failed: false })
    expect(state.nodeName).toBe(state.migrationState?.targetNode)
    expect(state.nodeName).not.toBe(source)
    expect(
      await kubectl('get', 'vmim', '-n', 'prod', '-o', 'jsonpath={.items[*].status.phase}'),
    ).toBe('Succeeded')
    // The target pod: on the target node, with KubeVirt's anti-affinity to the VMI's pods.
    const target = podsOf(migrated).find((p) => p.metadata.labels?.['kubevirt.io/migrationJobUID'])
    expect(nodeNameOf(target)).toBe(state.nodeName)
    expect((target?.spec as { affinity?: unknown }).affinity).toEqual({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchLabels: { 'kubevirt.io/created-by': vmi.metadata.uid } },
            topologyKey: 'kubernetes.io/hostname',
          },
        ],
      },
    })
    // The source pod goes (its virt-launcher is done); the VMI's interface has the target's IP.
    await waitFor('', 'pods', 'prod', sourcePod?.metadata.name ?? '', (o) => !o)
    const targetIP = (target?.status as { podIP?: string } | undefined)?.podIP
    expect(targetIP).toMatch(/^10\.244\./)
    await waitForVmi('prod', 'web-02', (o) => statusOf(o).interfaces?.[0]?.ipAddress === targetIP)
  })

  it('aborts a running migration when its VirtualMachineInstanceMigration is deleted', async () => {
    const source = statusOf(sim.store.get(vmiDef(), 'prod', 'db-01')).nodeName
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
    await waitFor(
      'kubevirt.io',
      'virtualmachineinstancemigrations',
      'prod',
      'db-01-move',
      (o) => statusOf(o).phase === 'Running',
    )
    await waitForVm('prod', 'db-01', 'Migrating')
    // A second migration while one is in flight is refused by the webhook.
    const again = await sub('virtualmachines', 'db-01', 'migrate', { namespace: 'prod', body: {} })
    expect(again.status).toBe(500)
    expect((again.body as { message: string }).message).toContain('in-flight migration detected')
    await kubectl('delete', 'vmim', '-n', 'prod', 'db-01-move', '--wait=false')
    const aborted = await waitForVmi(
      'prod',
      'db-01',
      (o) => statusOf(o).migrationState?.abortStatus === 'Succeeded',
    )
    expect(statusOf(aborted).migrationState).toMatchObject({
      abortRequested: true,
      completed: true,
      failed: true,
    })
    expect(statusOf(aborted).nodeName).toBe(source)
    await waitFor(
      'kubevirt.io',
      'virtualmachineinstancemigrations',
      'prod',
      'db-01-move',
      (o) => o === undefined,
    )
    await waitForVm('prod', 'db-01', 'Running')
  })
})

describe('kubectl drain', () => {
  it('live-migrates every LiveMigrate VMI off the node and then empties it', async () => {
    const byNode = new Map<string, string[]>()
    for (const v of sim.store.list(vmiDef()).items) {
      if (statusOf(v).phase !== 'Running') continue
      const node = statusOf(v).nodeName ?? ''
      byNode.set(node, [...(byNode.get(node) ?? []), `${v.metadata.namespace}/${v.metadata.name}`])
    }
    const [node, vmis] = [...byNode].sort((a, b) => b[1].length - a[1].length)[0]!
    expect(vmis.length).toBeGreaterThanOrEqual(2)
    // The eviction webhook answers 429 and marks each VMI for evacuation; kubectl retries until
    // the migrations have moved the VMIs and their source pods are gone.
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
      const moved = await waitForVmi(
        namespace,
        name,
        (o) => statusOf(o).phase === 'Running' && statusOf(o).nodeName !== node,
      )
      expect(statusOf(moved).migrationState).toMatchObject({ sourceNode: node, completed: true })
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

describe('instancetypes', () => {
  it('admits a VM whose instancetype does not exist and reports FailedFindInstancetype (as v1.9.0)', async () => {
    const body = testVm('typed', 'Always')
    ;(body.spec as Record<string, unknown>).instancetype = {
      kind: 'VirtualMachineClusterInstancetype',
      name: 'u1.huge',
    }
    expect((await createVm(body)).status).toBe(201)
    const failed = await waitFor('kubevirt.io', 'virtualmachines', 'default', 'typed', (o) =>
      (statusOf(o).conditions ?? []).some((c) => c.type === 'Failure'),
    )
    expect(statusOf(failed).conditions).toContainEqual(
      expect.objectContaining({
        type: 'Failure',
        status: 'True',
        reason: 'FailedFindInstancetype',
        message: 'virtualmachineclusterinstancetypes.instancetype.kubevirt.io "u1.huge" not found',
      }),
    )
    expect(sim.store.peek(vmiDef(), 'default', 'typed')).toBeUndefined()
    // Once it exists, the VM starts with its CPU and memory.
    const created = await sim.request(
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
    expect(created.status).toBe(201)
    await waitForVm('default', 'typed', 'Running')
    expect(sim.store.get(vmiDef(), 'default', 'typed').spec).toMatchObject({
      domain: { cpu: { sockets: 2 }, memory: { guest: '1Gi' } },
    })
  })
})

describe('more subresources', () => {
  it('freezes and unfreezes a running VMI and expands a VM spec with its instancetype', async () => {
    const base = '/apis/subresources.kubevirt.io/v1/namespaces/prod'
    const freeze = await sim.request('PUT', `${base}/virtualmachineinstances/web-01/freeze`, {
      body: { unfreezeTimeout: '5m' },
    })
    expect(freeze.status).toBe(200)
    await waitForVmi('prod', 'web-01', (o) => statusOf(o).fsFreezeStatus === 'frozen')
    expect(
      (await sim.request('PUT', `${base}/virtualmachineinstances/web-01/unfreeze`)).status,
    ).toBe(200)
    await waitForVmi('prod', 'web-01', (o) => statusOf(o).fsFreezeStatus === undefined)
    const expanded = await sim.request('GET', `${base}/virtualmachines/cache-01/expand-spec`)
    expect(expanded.status).toBe(200)
    expect((expanded.body as KObject).spec).toMatchObject({
      template: { spec: { domain: { cpu: { sockets: 1 }, memory: { guest: '2Gi' } } } },
    })
    expect((expanded.body as KObject).spec).not.toHaveProperty('instancetype')
  })
})
