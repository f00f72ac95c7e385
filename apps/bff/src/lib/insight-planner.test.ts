import { describe, expect, it } from 'vitest'
import {
  capacityReport,
  planMaintenance,
  type Snapshot,
  type SnapshotNode,
  type VmPod,
} from './insight-planner.ts'

const GiB = 2 ** 30

const node = (name: string, extra: Partial<SnapshotNode> = {}): SnapshotNode => ({
  name,
  labels: { 'kubernetes.io/hostname': name },
  taints: [],
  allocatable: { cpu: 8, memory: 16 * GiB, pods: 110 },
  requested: { cpu: 0, memory: 0, pods: 0 },
  schedulable: true,
  ready: true,
  ...extra,
})

const vm = (name: string, where: string, memoryGiB: number, extra: Partial<VmPod> = {}): VmPod => ({
  namespace: 'dev',
  name,
  node: where,
  requests: { cpu: 1, memory: memoryGiB * GiB },
  evictionStrategy: 'LiveMigrate',
  ...extra,
})

/** A fleet whose nodes' `requested` holds the VMs placed on them. */
function fleet(nodes: SnapshotNode[], vms: VmPod[]): Snapshot {
  for (const v of vms) {
    const n = nodes.find((candidate) => candidate.name === v.node)!
    n.requested.cpu += v.requests.cpu
    n.requested.memory += v.requests.memory
    n.requested.pods += 1
  }
  return { nodes, vms }
}

describe('planMaintenance', () => {
  it('moves every VM, spreading them the least-allocated way', () => {
    const snapshot = fleet(
      [node('node-1'), node('node-2'), node('node-3')],
      [vm('a', 'node-1', 4), vm('b', 'node-1', 4), vm('c', 'node-2', 6)],
    )
    const { vms, headroom } = planMaintenance(snapshot, ['node-1'], 'None')
    expect(vms.map((v) => [v.name, v.effect, v.target])).toEqual([
      ['a', 'migrates', 'node-3'],
      ['b', 'migrates', 'node-3'],
    ])
    // node-2 and node-3 are alike in memory; node-2 (6 GiB) loses, its VM fits on node-3 (8 GiB used).
    expect(headroom).toMatchObject({ node: 'node-2', survives: true, unplaced: 0 })
  })

  it('names the VMs that cannot move and why', () => {
    const snapshot = fleet(
      [node('node-1'), node('node-2')],
      [
        vm('pinned', 'node-1', 2, { evictionStrategy: undefined }),
        vm('local-disk', 'node-1', 2, {
          notMigratable: {
            reason: 'DisksNotLiveMigratable',
            message:
              'cannot migrate VMI: PVC rootdisk is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)',
          },
        }),
        vm('soft', 'node-1', 2, {
          evictionStrategy: 'LiveMigrateIfPossible',
          notMigratable: { reason: 'HostDeviceNotLiveMigratable', message: 'has a host device' },
        }),
        vm('mover', 'node-1', 2),
      ],
    )
    const { vms } = planMaintenance(snapshot, ['node-1'], 'None')
    const by = new Map(vms.map((v) => [v.name, v]))
    expect(by.get('pinned')).toMatchObject({
      effect: 'shuts-down',
      reason: 'EvictionStrategyNone',
      evictionStrategy: 'None',
      evictionStrategyDefault: true,
    })
    expect(by.get('pinned')?.message).toContain('the cluster default')
    expect(by.get('local-disk')).toMatchObject({ effect: 'blocks', reason: 'NotLiveMigratable' })
    expect(by.get('local-disk')?.message).toContain('DisksNotLiveMigratable: cannot migrate VMI')
    expect(by.get('soft')).toMatchObject({ effect: 'shuts-down', reason: 'NotLiveMigratable' })
    expect(by.get('mover')).toMatchObject({ effect: 'migrates', target: 'node-2' })
  })

  it('gives the binding constraint when no node fits', () => {
    const snapshot = fleet(
      [
        node('node-1', { allocatable: { cpu: 8, memory: 32 * GiB, pods: 110 } }),
        node('node-2', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
        node('node-3', { labels: { zone: 'b' } }),
        node('node-4', { schedulable: false }),
        node('node-5', { allocatable: { cpu: 8, memory: 4 * GiB, pods: 110 } }),
      ],
      [
        vm('big', 'node-1', 20),
        vm('zoned', 'node-1', 1, {
          requiredTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }],
        }),
      ],
    )
    const { vms } = planMaintenance(snapshot, ['node-1'], 'LiveMigrate')
    const big = vms.find((v) => v.name === 'big')!
    expect(big).toMatchObject({ effect: 'blocks', reason: 'NoNodeFits' })
    // The cordoned node-4 is no candidate; the selector keeps 'zoned' off node-5.
    expect(big.message).toBe(
      '0/3 nodes fit: 1 had the untolerated taint dedicated=gpu:NoSchedule; 2 had insufficient memory; needs 20.0 GiB memory, most free is 16.0 GiB on node-3.',
    )
    expect(vms.find((v) => v.name === 'zoned')).toMatchObject({
      effect: 'migrates',
      target: 'node-3',
    })
  })
})

describe('capacityReport', () => {
  it('says the cluster cannot lose node-2 and by how much memory', () => {
    const snapshot = fleet(
      [
        node('node-1'),
        node('node-2', { allocatable: { cpu: 16, memory: 32 * GiB, pods: 110 } }),
        node('node-3'),
      ],
      [vm('a', 'node-1', 10), vm('b', 'node-2', 12), vm('c', 'node-2', 8), vm('d', 'node-3', 10)],
    )
    const report = capacityReport(snapshot)
    expect(report.biggestNode).toBe('node-2')
    expect(report.survivesBiggestLoss).toBe(false)
    const loss = report.nodes.find((n) => n.name === 'node-2')!.loss
    // b (12 GiB) fits on neither node-1 nor node-3 (6 GiB free each); c (8 GiB) neither.
    expect(loss).toMatchObject({
      survives: false,
      unplaced: 2,
      unplacedRequests: { memory: 20 * GiB },
    })
    expect(loss.message).toBe(
      'The cluster cannot lose node-2: 2 of its 2 VM(s), needing 20.0 GiB of memory and 2 CPU, would find no node.',
    )
    expect(report.nodes.find((n) => n.name === 'node-1')).toMatchObject({
      vmCount: 1,
      requested: { cpu: 1, memory: 10 * GiB },
      loss: { survives: true },
    })
  })
})
