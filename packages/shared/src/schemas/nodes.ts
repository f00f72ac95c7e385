import { Type, type Static } from 'typebox'
import { ClusterId } from './common.ts'

/** CPU in cores (fractional), memory in bytes, pods as a count. */
export const NodeResources = Type.Object({
  cpu: Type.Number(),
  memory: Type.Number(),
  pods: Type.Integer(),
})
export type NodeResources = Static<typeof NodeResources>

/** Progress of a drain started from vmdeck: cordon, then evict every virt-launcher pod. */
export const NodeDrain = Type.Object({
  phase: Type.Enum(['Draining', 'Drained', 'Failed']),
  /** VMs still on the node. */
  remaining: Type.Integer(),
  /** VMs on the node when the drain began. */
  total: Type.Integer(),
  startedAt: Type.String(),
  message: Type.Optional(Type.String()),
})
export type NodeDrain = Static<typeof NodeDrain>

/** One host of the cluster as the Nodes page shows it. */
export const NodeSummary = Type.Object({
  name: Type.String(),
  ready: Type.Boolean(),
  /** False when cordoned (`spec.unschedulable`). */
  schedulable: Type.Boolean(),
  roles: Type.Array(Type.String()),
  capacity: NodeResources,
  allocatable: NodeResources,
  /** Sum of the requests of the pods scheduled on the node (virt-launcher pods included). */
  used: NodeResources,
  vmCount: Type.Integer(),
  labels: Type.Record(Type.String(), Type.String()),
  taints: Type.Array(
    Type.Object({ key: Type.String(), value: Type.Optional(Type.String()), effect: Type.String() }),
  ),
  kubeletVersion: Type.Optional(Type.String()),
  internalIp: Type.Optional(Type.String()),
  createdAt: Type.String(),
  drain: Type.Optional(NodeDrain),
})
export type NodeSummary = Static<typeof NodeSummary>

export const NodeList = Type.Object({ items: Type.Array(NodeSummary) })
export type NodeList = Static<typeof NodeList>

/** Node names are DNS-1123 subdomains. */
export const NodeName = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  minLength: 1,
  maxLength: 253,
})
export type NodeName = Static<typeof NodeName>

export const NodeAction = Type.Enum(['cordon', 'uncordon', 'drain'])
export type NodeAction = Static<typeof NodeAction>

export const NodeActionParams = Type.Object({
  cluster: ClusterId,
  node: NodeName,
  action: NodeAction,
})
export type NodeActionParams = Static<typeof NodeActionParams>

/** A change to the node set as it travels on the event stream (topic `nodes`). */
export type NodeChange = { type: 'upsert'; node: NodeSummary } | { type: 'delete'; name: string }
