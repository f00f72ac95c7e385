import type {
  CapacityReport,
  MaintenancePlan,
  MigrationAdvice,
  MigrationHistory,
  RebalancePlan,
} from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testVm } from '../../cluster-sim/test/test-vm.ts'
import { as, buildStack, C, login, vmUrl, waitUntil, type TestStack } from './helper.ts'
import { ownVm } from './own-vm.ts'

let stack: TestStack
let admin: ReturnType<typeof as>
let viewer: ReturnType<typeof as>

const cluster = () => stack.app.clusters.get('vmdeck-sim')!
const onNode1 = { nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }
const domain = (iface: Record<string, unknown>) => ({
  cpu: { cores: 1 },
  memory: { guest: '128Mi' },
  devices: { disks: [{ name: 'rootdisk', disk: { bus: 'virtio' } }], interfaces: [iface] },
})

/** VMs pinned to node-1, each a case the what-if must name. */
const CASES = {
  'insight-none': { ...onNode1, evictionStrategy: 'None' },
  // A bridge on the pod network is not live-migratable (InterfaceNotLiveMigratable).
  'insight-bridged': { ...onNode1, domain: domain({ name: 'default', bridge: {} }) },
  'insight-pinned': { ...onNode1 },
}

beforeAll(async () => {
  stack = await buildStack()
  admin = as(stack.app, await login(stack.app, 'admin'))
  viewer = as(stack.app, await login(stack.app, 'viewer'))
  const vms = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
  for (const [name, template] of Object.entries(CASES))
    await stack.sim.store.create(vms, testVm(name, 'Always', { template }))
  await waitUntil(
    () => Object.keys(CASES).every((name) => cluster().vms.get('default', name)?.node === 'node-1'),
    30_000,
  )
}, 120_000)
afterAll(() => stack.close())

describe('GET /api/v1/clusters/{c}/insight/maintenance', () => {
  it('lists the VMs of node-1 with their targets, and those that cannot move with the reason', async () => {
    // The bridged VM's LiveMigratable condition comes from virt-handler once the VMI runs.
    const vmis = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!
    await waitUntil(() => {
      const vmi = stack.sim.store.peek(vmis, 'default', 'insight-bridged') as
        { status?: { conditions?: { type?: string; status?: string }[] } } | undefined
      return !!vmi?.status?.conditions?.some(
        (c) => c.type === 'LiveMigratable' && c.status === 'False',
      )
    }, 30_000)
    const { status, body: plan } = await admin.get<MaintenancePlan>(
      `${C}/insight/maintenance?nodes=node-1`,
    )
    expect(status).toBe(200)
    const by = new Map(plan.vms.map((v) => [v.name, v]))
    expect(plan.nodes).toEqual(['node-1'])
    expect(plan.hiddenVms).toBe(0)
    expect(by.get('insight-none')).toMatchObject({
      node: 'node-1',
      effect: 'shuts-down',
      reason: 'EvictionStrategyNone',
      evictionStrategy: 'None',
      evictionStrategyDefault: false,
    })
    expect(by.get('insight-bridged')).toMatchObject({
      effect: 'blocks',
      reason: 'NotLiveMigratable',
    })
    expect(by.get('insight-bridged')?.message).toContain('InterfaceNotLiveMigratable')
    // Its launcher pod carries the node selector: no other node matches.
    expect(by.get('insight-pinned')).toMatchObject({ effect: 'blocks', reason: 'NoNodeFits' })
    expect(by.get('insight-pinned')?.message).toBe(
      "0/2 nodes fit: 2 didn't match the VM's node selector or affinity.",
    )
    const movers = plan.vms.filter((v) => v.effect === 'migrates')
    expect(movers.length).toBeGreaterThan(0)
    for (const mover of movers) expect(['node-2', 'node-3']).toContain(mover.target)
    expect(plan.headroom?.node).toMatch(/^node-[23]$/)
    // Every VM running on node-1 is listed once.
    const running = [...cluster().vms.summaries()].filter((vm) => vm.node === 'node-1')
    expect(plan.vms.map((v) => `${v.namespace}/${v.name}`).sort()).toEqual(
      running.map((vm) => `${vm.namespace}/${vm.name}`).sort(),
    )
  })

  it('answers 404 for an unknown node, 400 for a bad list, 403 to who may not list nodes', async () => {
    expect((await admin.get(`${C}/insight/maintenance?nodes=node-1,node-9`)).status).toBe(404)
    expect((await admin.get(`${C}/insight/maintenance?nodes=Node_1`)).status).toBe(400)
    const refused = await viewer.get(`${C}/insight/maintenance?nodes=node-1`)
    expect(refused.status).toBe(403)
    expect(refused.body.code).toBe('K8S_FORBIDDEN')
  })
})

describe('GET /api/v1/clusters/{c}/insight/capacity', () => {
  it('gives requested vs allocatable, VM counts and an N-1 verdict per node', async () => {
    const { status, body } = await admin.get<CapacityReport>(`${C}/insight/capacity`)
    expect(status).toBe(200)
    expect(body.nodes.map((n) => n.name)).toEqual(['node-1', 'node-2', 'node-3'])
    const node1 = body.nodes[0]!
    const summary = cluster().nodes.get('node-1')!
    expect(node1.allocatable).toEqual({
      cpu: summary.allocatable.cpu,
      memory: summary.allocatable.memory,
    })
    expect(node1.requested.memory).toBeGreaterThanOrEqual(summary.used.memory)
    expect(node1.vmCount).toBe(summary.vmCount)
    // The pinned VMs cannot restart anywhere else: losing node-1 strands them.
    expect(node1.loss).toMatchObject({ survives: false })
    expect(node1.loss.unplaced).toBeGreaterThanOrEqual(Object.keys(CASES).length)
    expect(node1.loss.message).toMatch(
      /^The cluster cannot lose node-1: \d+ of its \d+ VM\(s\), needing/,
    )
    expect(body.biggestNode).toMatch(/^node-[123]$/)
    expect((await viewer.get(`${C}/insight/capacity`)).status).toBe(403)
  })
})

describe('the migration advisor and the history per node pair', () => {
  it('advises on a migration and counts it under its node pair once it ended', async () => {
    const vm = await ownVm(stack, 'default', true, 'insight-move')
    const from = cluster().vms.get('default', vm)!.node!
    const to = ['node-2', 'node-3'].find((n) => n !== from)!
    expect((await admin.post(`${vmUrl('default', vm)}/migrate`, { targetNode: to })).status).toBe(
      202,
    )
    await waitUntil(
      () => cluster().migrations.latestFor('default', vm)?.phase === 'Succeeded',
      60_000,
    )
    const migration = cluster().migrations.latestFor('default', vm)!
    const advice = await admin.get<MigrationAdvice>(
      `${C}/insight/migrations/default/${migration.name}`,
    )
    expect(advice.status).toBe(200)
    expect(advice.body).toMatchObject({
      vmName: vm,
      active: false,
      verdict: 'finished',
      reason: 'The migration has ended: Succeeded.',
      remedies: [],
    })
    const history = await admin.get<MigrationHistory>(`${C}/insight/migrations`)
    expect(history.status).toBe(200)
    const pair = history.body.pairs.find((p) => p.sourceNode === from && p.targetNode === to)
    expect(pair?.succeeded).toBeGreaterThanOrEqual(1)
    expect(pair?.medianSeconds).toBeGreaterThanOrEqual(0)
    expect((await admin.get(`${C}/insight/migrations/default/no-such-migration`)).status).toBe(404)
  })
})

describe('POST /api/v1/clusters/{c}/insight/rebalance', () => {
  it('plans moves into a band as a dry run, moving nothing', async () => {
    const before = [...cluster().vms.summaries()].map((vm) => `${vm.name}@${vm.node ?? ''}`).sort()
    const wide = await admin.post<RebalancePlan>(`${C}/insight/rebalance`, { low: 0, high: 100 })
    expect(wide.status).toBe(200)
    expect(wide.body.moves).toEqual([])
    expect(wide.body.nodes.map((n) => n.name)).toEqual(['node-1', 'node-2', 'node-3'])
    expect(wide.body.nodes.every((n) => n.withinBand)).toBe(true)
    // A band no node is in: every move has a reason and a wave, and nothing moved.
    const narrow = await admin.post<RebalancePlan>(`${C}/insight/rebalance`, {
      low: 99,
      high: 100,
    })
    expect(narrow.status).toBe(200)
    expect(narrow.body.unresolved.length).toBeGreaterThan(0)
    for (const move of narrow.body.moves) expect(move.reason).toContain(move.name)
    const after = [...cluster().vms.summaries()].map((vm) => `${vm.name}@${vm.node ?? ''}`).sort()
    expect(after).toEqual(before)
    expect((await admin.post(`${C}/insight/rebalance`, { low: 60, high: 40 })).status).toBe(400)
    expect((await viewer.post(`${C}/insight/rebalance`, { low: 10, high: 90 })).status).toBe(403)
  })
})
