import { Type, type Static } from 'typebox'

/** CPU in cores, memory in bytes: what pods request and nodes offer. */
export const CpuMemory = Type.Object({ cpu: Type.Number(), memory: Type.Number() })
export type CpuMemory = Static<typeof CpuMemory>

/**
 * What an eviction does to one VM during maintenance:
 * `migrates` (live migration to `target`), `shuts-down` (evictionStrategy None, or
 * LiveMigrateIfPossible on a VM that cannot migrate), `blocks` (the drain cannot finish: KubeVirt
 * refuses the eviction of a non-migratable LiveMigrate VM, or no node fits the migration target),
 * `external` (evictionStrategy External: an outside controller decides).
 */
export const EvictionEffect = Type.Enum(['migrates', 'shuts-down', 'blocks', 'external'])
export type EvictionEffect = Static<typeof EvictionEffect>

/** Why a VM does not simply move. */
export const BlockReason = Type.Enum([
  'NotLiveMigratable',
  'EvictionStrategyNone',
  'External',
  'NoNodeFits',
])
export type BlockReason = Static<typeof BlockReason>

/** One VM on a node under maintenance, as the what-if estimates it. */
export const MaintenanceVm = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  node: Type.String(),
  requests: CpuMemory,
  /** The VMI's own strategy, or the cluster default's (then `evictionStrategyDefault`). */
  evictionStrategy: Type.String(),
  evictionStrategyDefault: Type.Boolean(),
  effect: EvictionEffect,
  /** Where the default scheduler's filters and least-allocated scoring would put it. */
  target: Type.Optional(Type.String()),
  reason: Type.Optional(BlockReason),
  /** The condition's reason and message, or the binding scheduling constraint. */
  message: Type.Optional(Type.String()),
})
export type MaintenanceVm = Static<typeof MaintenanceVm>

/** Could the cluster lose one node: would every VM on it find room on the others? */
export const NodeLossVerdict = Type.Object({
  node: Type.String(),
  survives: Type.Boolean(),
  /** VMs that would find no node, and what they request. */
  unplaced: Type.Integer(),
  unplacedRequests: CpuMemory,
  message: Type.String(),
})
export type NodeLossVerdict = Static<typeof NodeLossVerdict>

export const MaintenancePlan = Type.Object({
  nodes: Type.Array(Type.String()),
  vms: Type.Array(MaintenanceVm),
  /** VMs on those nodes in namespaces the user may not see: counted, not named. */
  hiddenVms: Type.Integer(),
  /** The cluster default eviction strategy (KubeVirt CR), used where a VMI names none. */
  defaultEvictionStrategy: Type.String(),
  /** After the move: can the cluster still lose its biggest remaining node? */
  headroom: Type.Optional(NodeLossVerdict),
  /** What the estimate does not model (see docs/INSIGHT.md). */
  caveats: Type.Array(Type.String()),
})
export type MaintenancePlan = Static<typeof MaintenancePlan>

export const NodeCapacity = Type.Object({
  name: Type.String(),
  ready: Type.Boolean(),
  schedulable: Type.Boolean(),
  allocatable: CpuMemory,
  /** Sum of the requests of every pod on the node that still runs. */
  requested: CpuMemory,
  vmCount: Type.Integer(),
  loss: NodeLossVerdict,
})
export type NodeCapacity = Static<typeof NodeCapacity>

export const CapacityReport = Type.Object({
  nodes: Type.Array(NodeCapacity),
  /** The node with the most allocatable memory: the N-1 question. */
  biggestNode: Type.Optional(Type.String()),
  survivesBiggestLoss: Type.Boolean(),
})
export type CapacityReport = Static<typeof CapacityReport>

export const MaintenanceQuery = Type.Object({
  /** Comma-separated node names. */
  nodes: Type.String({
    pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(,[a-z0-9]([-a-z0-9.]*[a-z0-9])?){0,49}$',
    maxLength: 4000,
  }),
})
export type MaintenanceQuery = Static<typeof MaintenanceQuery>

/** A remedy KubeVirt offers for a migration that does not converge, explained. */
export const MigrationRemedy = Type.Object({
  id: Type.Enum(['auto-converge', 'post-copy', 'bandwidth', 'pause']),
  title: Type.String(),
  /** What it does, what it costs, and how KubeVirt applies it. */
  explanation: Type.String(),
  /** What to apply (a MigrationPolicy, a KubeVirt CR change), as YAML to copy. */
  manifest: Type.Optional(Type.String()),
  /** vmdeck can do it for the user through KubeVirt's API (their own rights apply). */
  action: Type.Optional(Type.Enum(['pause'])),
})
export type MigrationRemedy = Static<typeof MigrationRemedy>

/** The advisor's reading of one running migration, from KubeVirt's migration metrics. */
export const MigrationAdvice = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  vmName: Type.String(),
  active: Type.Boolean(),
  /** Whether Prometheus had the migration's metrics (the node side exports them while it runs). */
  measured: Type.Boolean(),
  processedBytes: Type.Optional(Type.Number()),
  remainingBytes: Type.Optional(Type.Number()),
  totalBytes: Type.Optional(Type.Number()),
  /** Bytes per second the guest dirties, and the link moves. */
  dirtyRate: Type.Optional(Type.Number()),
  transferRate: Type.Optional(Type.Number()),
  verdict: Type.Enum(['converging', 'not-converging', 'unknown', 'finished']),
  /** Seconds to completion at the current rates, when converging. */
  etaSeconds: Type.Optional(Type.Number()),
  reason: Type.String(),
  remedies: Type.Array(MigrationRemedy),
})
export type MigrationAdvice = Static<typeof MigrationAdvice>

/** Recent migrations between one source and one target node. */
export const MigrationPairStats = Type.Object({
  sourceNode: Type.String(),
  targetNode: Type.String(),
  total: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  running: Type.Integer(),
  /** Of the finished ones with a start and end. */
  medianSeconds: Type.Optional(Type.Number()),
  longestSeconds: Type.Optional(Type.Number()),
  lastEndedAt: Type.Optional(Type.String()),
})
export type MigrationPairStats = Static<typeof MigrationPairStats>

export const MigrationHistory = Type.Object({ pairs: Type.Array(MigrationPairStats) })
export type MigrationHistory = Static<typeof MigrationHistory>

/** A rebalancing question: bring every node's utilisation (percent) into [low, high]. */
export const RebalanceRequest = Type.Object(
  {
    low: Type.Number({ minimum: 0, maximum: 100 }),
    high: Type.Number({ minimum: 1, maximum: 100 }),
    /** At most this many migrations in the plan (default 20). */
    maxMoves: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    /** Migrations at once across the cluster (default 2) and per node (default 1). */
    maxParallel: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    maxPerNode: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  },
  { additionalProperties: false },
)
export type RebalanceRequest = Static<typeof RebalanceRequest>

/** One proposed live migration, with why, and the wave it may run in. */
export const RebalanceMove = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  from: Type.String(),
  to: Type.String(),
  requests: CpuMemory,
  reason: Type.String(),
  /** Moves of one wave may run at once within the parallel limits; waves run in order. */
  wave: Type.Integer(),
})
export type RebalanceMove = Static<typeof RebalanceMove>

export const RebalancePlan = Type.Object({
  low: Type.Number(),
  high: Type.Number(),
  moves: Type.Array(RebalanceMove),
  /** Utilisation in percent: the larger of requested CPU and memory share, before and after. */
  nodes: Type.Array(
    Type.Object({
      name: Type.String(),
      before: Type.Number(),
      after: Type.Number(),
      withinBand: Type.Boolean(),
      /** Memory actually in use (Prometheus), percent, when known. */
      actualMemory: Type.Optional(Type.Number()),
    }),
  ),
  /** Nodes the plan cannot bring into the band, and why. */
  unresolved: Type.Array(Type.String()),
})
export type RebalancePlan = Static<typeof RebalancePlan>
