import { describe, expect, it } from 'vitest'
import type { Snapshot, SnapshotNode, VmPod } from './insight-planner.ts'
import { planRebalance, utilisation } from './insight-rebalance.ts'

const GiB = 2 ** 30

const node = (name: string): SnapshotNode => ({
  name,
  labels: {},
  taints: [],
  allocatable: { cpu: 16, memory: 16 * GiB, pods: 110 },
  requested: { cpu: 0, memory: 0, pods: 0 },
  schedulable: true,
  ready: true,
})

const vm = (name: string, where: string, memoryGiB: number, extra: Partial<VmPod> = {}): VmPod => ({
  namespace: 'dev',
  name,
  node: where,
  requests: { cpu: 1, memory: memoryGiB * GiB },
  ...extra,
})

/** Three nodes: node-1 full (14 of 16 GiB), node-2 half, node-3 empty. */
function unbalanced(extra: VmPod[] = []): Snapshot {
  const nodes = [node('node-1'), node('node-2'), node('node-3')]
  const vms = [
    vm('a', 'node-1', 4),
    vm('b', 'node-1', 4),
    vm('c', 'node-1', 2),
    vm('d', 'node-1', 2),
    vm('e', 'node-1', 2),
    vm('f', 'node-2', 4),
    vm('g', 'node-2', 4),
    ...extra,
  ]
  for (const v of vms) {
    const n = nodes.find((candidate) => candidate.name === v.node)!
    n.requested.cpu += v.requests.cpu
    n.requested.memory += v.requests.memory
    n.requested.pods += 1
  }
  return { nodes, vms }
}

describe('planRebalance', () => {
  it('brings an unbalanced 3-node fleet into the band, with a reason per move', () => {
    const plan = planRebalance(unbalanced(), { low: 30, high: 60 })
    expect(plan.nodes.map((n) => Math.round(n.before))).toEqual([88, 50, 0])
    expect(plan.nodes.every((n) => n.withinBand)).toBe(true)
    expect(plan.unresolved).toEqual([])
    expect(plan.moves.length).toBeGreaterThan(0)
    for (const move of plan.moves)
      expect(move.reason).toMatch(/^node-\d is at \d+% \(band 30–60%\): moving/)
    expect(plan.moves[0]).toMatchObject({ from: 'node-1', to: 'node-3' })
  })

  it('keeps to the parallel limits: one migration per node per wave, two per wave', () => {
    const plan = planRebalance(unbalanced(), { low: 30, high: 60, maxParallel: 2, maxPerNode: 1 })
    const waves = new Map<number, string[][]>()
    for (const m of plan.moves) waves.set(m.wave, [...(waves.get(m.wave) ?? []), [m.from, m.to]])
    for (const pairs of waves.values()) {
      expect(pairs.length).toBeLessThanOrEqual(2)
      const nodes = pairs.flat()
      expect(new Set(nodes).size).toBe(nodes.length)
    }
  })

  it('moves only VMs that can live-migrate and that the user may see, and says what stays out', () => {
    const snapshot = unbalanced()
    for (const v of snapshot.vms)
      if (v.node === 'node-1') v.notMigratable = { reason: 'DisksNotLiveMigratable', message: '' }
    const plan = planRebalance(snapshot, { low: 20, high: 60 }, (v) => v.name !== 'f')
    expect(plan.moves.map((m) => m.name)).toEqual(['g'])
    expect(plan.unresolved).toContain(
      'node-1 stays at 88%: no VM on it can live-migrate to a node that fits it and stays within the band.',
    )
  })

  it('measures utilisation as the larger share of CPU and memory', () => {
    const n = node('x')
    n.requested = { cpu: 12, memory: 4 * GiB, pods: 2 }
    expect(utilisation(n)).toBe(75)
  })
})
