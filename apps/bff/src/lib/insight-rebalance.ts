import type { RebalanceMove, RebalancePlan, RebalanceRequest } from '@vmdeck/shared'
import { fitFailure, gib, type NodeRoom } from './insight-fit.ts'
import type { Snapshot, VmPod } from './insight-planner.ts'

/** A node's utilisation: the larger of its requested CPU and memory shares, in percent. */
export const utilisation = (node: NodeRoom): number =>
  Math.max(
    node.allocatable.cpu > 0 ? (node.requested.cpu / node.allocatable.cpu) * 100 : 0,
    node.allocatable.memory > 0 ? (node.requested.memory / node.allocatable.memory) * 100 : 0,
  )

const pct = (value: number) => `${Math.round(value)}%`

function moveBy(room: NodeRoom, vm: VmPod, sign: 1 | -1): void {
  room.requested.cpu += sign * vm.requests.cpu
  room.requested.memory += sign * vm.requests.memory
  room.requested.pods += sign
}

/**
 * Groups moves into waves that respect parallel limits, as KubeVirt's own
 * parallelMigrationsPerCluster and parallelOutboundMigrationsPerNode do: a move waits for a later
 * wave when its wave is full or its source or target node already has its share.
 */
function waves(moves: Omit<RebalanceMove, 'wave'>[], perCluster: number, perNode: number) {
  const load: { total: number; nodes: Map<string, number> }[] = []
  return moves.map((move) => {
    let wave = 0
    for (; ; wave++) {
      const w = (load[wave] ??= { total: 0, nodes: new Map() })
      if (
        w.total < perCluster &&
        (w.nodes.get(move.from) ?? 0) < perNode &&
        (w.nodes.get(move.to) ?? 0) < perNode
      ) {
        w.total++
        w.nodes.set(move.from, (w.nodes.get(move.from) ?? 0) + 1)
        w.nodes.set(move.to, (w.nodes.get(move.to) ?? 0) + 1)
        break
      }
    }
    return { ...move, wave }
  })
}

interface Candidate {
  vm: VmPod
  source: NodeRoom
  target: NodeRoom
  score: number
}

/**
 * Proposes live migrations that bring every node's utilisation (the larger of its requested CPU
 * and memory shares) into the band: first off the nodes above its top, then onto the nodes below
 * its bottom from the busiest ones — as the descheduler's LowNodeUtilization does, but as a plan
 * to read before anything moves. Only VMs that can live-migrate are moved; the scheduling filters
 * are the what-if's estimate (insight-fit.ts).
 */
export function planRebalance(
  snapshot: Snapshot,
  request: RebalanceRequest,
  /** VMs the plan may move (those the user may see); the others only take room. */
  movable: (vm: VmPod) => boolean = () => true,
): RebalancePlan {
  const { low, high } = request
  const rooms = new Map(
    snapshot.nodes
      .filter((n) => n.schedulable && n.ready)
      .map((n) => [
        n.name,
        { ...n, allocatable: { ...n.allocatable }, requested: { ...n.requested } },
      ]),
  )
  const before = new Map([...rooms.values()].map((r) => [r.name, utilisation(r)]))
  const where = new Map(snapshot.vms.map((vm) => [vm, vm.node]))
  const moved = new Set<VmPod>()
  const moves: Omit<RebalanceMove, 'wave'>[] = []
  const stuck = new Set<string>()
  const maxMoves = request.maxMoves ?? 20

  /** The move between these nodes that `accept`s and leaves source and target closest. */
  const bestMove = (
    sources: NodeRoom[],
    targets: NodeRoom[],
    accept: (after: { source: number; target: number }) => boolean,
  ): Candidate | undefined => {
    let best: Candidate | undefined
    for (const source of sources)
      for (const vm of snapshot.vms) {
        if (where.get(vm) !== source.name || moved.has(vm) || vm.notMigratable || !movable(vm))
          continue
        for (const target of targets) {
          if (target === source || fitFailure(vm, target)) continue
          moveBy(target, vm, 1)
          moveBy(source, vm, -1)
          const after = { source: utilisation(source), target: utilisation(target) }
          moveBy(target, vm, -1)
          moveBy(source, vm, 1)
          if (!accept(after)) continue
          // The smaller VM breaks ties: less to copy.
          const score = Math.abs(after.source - after.target) + vm.requests.memory / 2 ** 40
          if (!best || score < best.score) best = { vm, source, target, score }
        }
      }
    return best
  }

  const apply = ({ vm, source, target }: Candidate) => {
    const was = { source: utilisation(source), target: utilisation(target) }
    moveBy(target, vm, 1)
    moveBy(source, vm, -1)
    where.set(vm, target.name)
    moved.add(vm)
    moves.push({
      namespace: vm.namespace,
      name: vm.name,
      from: source.name,
      to: target.name,
      requests: vm.requests,
      reason: `${source.name} is at ${pct(was.source)} (band ${low}–${high}%): moving ${vm.name} (${gib(vm.requests.memory)}, ${vm.requests.cpu} CPU) to ${target.name} (${pct(was.target)}) leaves ${source.name} at ${pct(utilisation(source))} and ${target.name} at ${pct(utilisation(target))}.`,
    })
  }

  const all = () => [...rooms.values()]
  while (moves.length < maxMoves) {
    const over = all()
      .filter((r) => utilisation(r) > high && !stuck.has(r.name))
      .sort((a, b) => utilisation(b) - utilisation(a))[0]
    if (over) {
      const move = bestMove([over], all(), (after) => after.target <= high)
      if (move) apply(move)
      else stuck.add(over.name)
      continue
    }
    const under = all()
      .filter((r) => utilisation(r) < low && !stuck.has(r.name))
      .sort((a, b) => utilisation(a) - utilisation(b))[0]
    if (!under) break
    const sources = all().filter((r) => r !== under && utilisation(r) > low)
    const move = bestMove(sources, [under], (after) => after.source >= low && after.target <= high)
    if (move) apply(move)
    else stuck.add(under.name)
  }

  const nodes = all()
    .map((r) => {
      const after = utilisation(r)
      return {
        name: r.name,
        before: before.get(r.name) ?? 0,
        after,
        withinBand: after >= low && after <= high,
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
  return {
    low,
    high,
    moves: waves(moves, request.maxParallel ?? 2, request.maxPerNode ?? 1),
    nodes,
    unresolved: nodes
      .filter((n) => !n.withinBand)
      .map((n) =>
        moves.length >= maxMoves
          ? `${n.name} stays at ${pct(n.after)}: the plan stops at ${maxMoves} moves.`
          : n.after > high
            ? `${n.name} stays at ${pct(n.after)}: no VM on it can live-migrate to a node that fits it and stays within the band.`
            : `${n.name} stays at ${pct(n.after)}: no VM can move onto it without leaving its source below ${low}% or itself above ${high}%.`,
      ),
  }
}
