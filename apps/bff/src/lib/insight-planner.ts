import type { CapacityReport, MaintenanceVm, NodeLossVerdict } from '@vmdeck/shared'
import {
  describeNoFit,
  fitFailure,
  gib,
  leastAllocatedScore,
  type FitFailure,
  type NodeRoom,
  type PodNeeds,
} from './insight-fit.ts'

/** A node with the pods that already run there counted in `requested`. */
export interface SnapshotNode extends NodeRoom {
  schedulable: boolean
  ready: boolean
}

/** One running VM: its virt-launcher pod's scheduling needs, where it runs, what KubeVirt says. */
export interface VmPod extends PodNeeds {
  namespace: string
  name: string
  node: string
  /** The VMI's spec.evictionStrategy, if it names one. */
  evictionStrategy?: string
  /** The VMI's LiveMigratable condition when it is False. */
  notMigratable?: { reason: string; message: string }
}

export interface Snapshot {
  nodes: SnapshotNode[]
  vms: VmPod[]
}

type Rooms = Map<string, NodeRoom>

const copyRooms = (nodes: Iterable<NodeRoom>): Rooms =>
  new Map(
    [...nodes].map((n) => [
      n.name,
      { ...n, allocatable: { ...n.allocatable }, requested: { ...n.requested } },
    ]),
  )

/** Nodes the scheduler may pick: schedulable (not cordoned), ready, not excluded. */
const candidates = (snapshot: Snapshot, excluded: ReadonlySet<string>): Rooms =>
  copyRooms(snapshot.nodes.filter((n) => n.schedulable && n.ready && !excluded.has(n.name)))

function take(room: NodeRoom, pod: PodNeeds): void {
  room.requested.cpu += pod.requests.cpu
  room.requested.memory += pod.requests.memory
  room.requested.pods += 1
}

function release(room: NodeRoom | undefined, pod: PodNeeds): void {
  if (!room) return
  room.requested.cpu -= pod.requests.cpu
  room.requested.memory -= pod.requests.memory
  room.requested.pods -= 1
}

/**
 * Places pods one by one, biggest memory first (the order that fits most), each on the node the
 * filters accept with the best least-allocated score, and takes its room there.
 */
export function placeAll<P extends PodNeeds>(
  pods: P[],
  rooms: Rooms,
): Map<P, { target: string } | { message: string }> {
  const result = new Map<P, { target: string } | { message: string }>()
  const order = [...pods].sort(
    (a, b) => b.requests.memory - a.requests.memory || b.requests.cpu - a.requests.cpu,
  )
  for (const pod of order) {
    const failures: { node: string; failure: FitFailure }[] = []
    let best: { room: NodeRoom; score: number } | undefined
    for (const room of rooms.values()) {
      const failure = fitFailure(pod, room)
      if (failure) failures.push({ node: room.name, failure })
      else {
        const score = leastAllocatedScore(pod, room)
        if (!best || score > best.score) best = { room, score }
      }
    }
    if (best) {
      take(best.room, pod)
      result.set(pod, { target: best.room.name })
    } else result.set(pod, { message: describeNoFit(pod, failures) })
  }
  return result
}

/** Would every VM on `node` find room on `rooms` (which must not contain it)? */
function lossVerdict(node: string, pods: PodNeeds[], rooms: Rooms): NodeLossVerdict {
  const placed = placeAll(pods, rooms)
  const unplaced = pods.filter((pod) => !('target' in (placed.get(pod) ?? {})))
  const unplacedRequests = {
    cpu: unplaced.reduce((sum, p) => sum + p.requests.cpu, 0),
    memory: unplaced.reduce((sum, p) => sum + p.requests.memory, 0),
  }
  const memory = gib(pods.reduce((sum, p) => sum + p.requests.memory, 0))
  const message =
    unplaced.length === 0
      ? `The cluster can lose ${node}: its ${pods.length} VM(s) (${memory} of memory) fit on the other nodes.`
      : `The cluster cannot lose ${node}: ${unplaced.length} of its ${pods.length} VM(s), needing ${gib(unplacedRequests.memory)} of memory and ${Number(unplacedRequests.cpu.toFixed(2))} CPU, would find no node.`
  return {
    node,
    survives: unplaced.length === 0,
    unplaced: unplaced.length,
    unplacedRequests,
    message,
  }
}

/** The node with the most allocatable memory (then CPU, then name): the one N-1 asks about. */
export function biggestNode<N extends NodeRoom>(nodes: Iterable<N>): N | undefined {
  let biggest: N | undefined
  for (const n of nodes)
    if (
      !biggest ||
      n.allocatable.memory > biggest.allocatable.memory ||
      (n.allocatable.memory === biggest.allocatable.memory &&
        (n.allocatable.cpu > biggest.allocatable.cpu ||
          (n.allocatable.cpu === biggest.allocatable.cpu && n.name < biggest.name)))
    )
      biggest = n
  return biggest
}

function vmEffect(
  vm: VmPod,
  defaultStrategy: string,
): Omit<MaintenanceVm, 'namespace' | 'name' | 'node' | 'requests'> {
  const strategy = vm.evictionStrategy ?? defaultStrategy
  const base = { evictionStrategy: strategy, evictionStrategyDefault: !vm.evictionStrategy }
  const blocked = vm.notMigratable
  const why = blocked ? `${blocked.reason}: ${blocked.message}` : ''
  if (strategy === 'None')
    return {
      ...base,
      effect: 'shuts-down',
      reason: 'EvictionStrategyNone',
      message: `evictionStrategy None${base.evictionStrategyDefault ? ' (the cluster default)' : ''}: the eviction shuts the VM down instead of moving it; its run strategy decides whether it starts again elsewhere.`,
    }
  if (strategy === 'External')
    return {
      ...base,
      effect: 'external',
      reason: 'External',
      message: 'evictionStrategy External: KubeVirt leaves the move to an outside controller.',
    }
  if (blocked && strategy === 'LiveMigrateIfPossible')
    return {
      ...base,
      effect: 'shuts-down',
      reason: 'NotLiveMigratable',
      message: `Not live-migratable, so the eviction shuts it down. ${why}`,
    }
  if (blocked)
    return {
      ...base,
      effect: 'blocks',
      reason: 'NotLiveMigratable',
      message: `Not live-migratable: KubeVirt refuses its eviction and the drain cannot finish. ${why}`,
    }
  return { ...base, effect: 'migrates' }
}

/**
 * What entering maintenance on `targets` would do to each VM there, and whether the cluster can
 * still lose its biggest remaining node afterwards.
 */
export function planMaintenance(
  snapshot: Snapshot,
  targets: readonly string[],
  defaultStrategy: string,
): { vms: MaintenanceVm[]; headroom?: NodeLossVerdict } {
  const excluded = new Set(targets)
  const rooms = candidates(snapshot, excluded)
  const leaving = snapshot.vms.filter((vm) => excluded.has(vm.node))
  const effects = new Map(leaving.map((vm) => [vm, vmEffect(vm, defaultStrategy)]))
  const movers = leaving.filter((vm) => effects.get(vm)?.effect === 'migrates')
  const placed = placeAll(movers, rooms)
  const vms = leaving.map((vm): MaintenanceVm => {
    const where = placed.get(vm)
    const effect = effects.get(vm) ?? vmEffect(vm, defaultStrategy)
    const common = { namespace: vm.namespace, name: vm.name, node: vm.node, requests: vm.requests }
    if (where && 'target' in where) return { ...common, ...effect, target: where.target }
    if (where)
      return {
        ...common,
        ...effect,
        effect: 'blocks',
        reason: 'NoNodeFits',
        message: where.message,
      }
    return { ...common, ...effect }
  })
  // After the move: the VMs that stayed, plus those that moved in, on the biggest remaining node.
  const biggest = biggestNode(rooms.values())
  if (!biggest) return { vms }
  const onBiggest = [
    ...snapshot.vms.filter((vm) => vm.node === biggest.name),
    ...movers.filter((vm) => (placed.get(vm) as { target?: string }).target === biggest.name),
  ]
  for (const pod of onBiggest) release(biggest, pod)
  rooms.delete(biggest.name)
  return { vms, headroom: lossVerdict(biggest.name, onBiggest, rooms) }
}

/** Per node: what is requested of what it offers, and whether the cluster could lose it. */
export function capacityReport(snapshot: Snapshot): CapacityReport {
  const nodes = [...snapshot.nodes]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((node) => {
      const pods = snapshot.vms.filter((vm) => vm.node === node.name)
      return {
        name: node.name,
        ready: node.ready,
        schedulable: node.schedulable,
        allocatable: { cpu: node.allocatable.cpu, memory: node.allocatable.memory },
        requested: { cpu: node.requested.cpu, memory: node.requested.memory },
        vmCount: pods.length,
        loss: lossVerdict(node.name, pods, candidates(snapshot, new Set([node.name]))),
      }
    })
  const biggest = biggestNode(snapshot.nodes.filter((n) => n.schedulable && n.ready))
  const verdict = nodes.find((n) => n.name === biggest?.name)?.loss
  return {
    nodes,
    ...(biggest ? { biggestNode: biggest.name } : {}),
    survivesBiggestLoss: verdict?.survives ?? true,
  }
}
