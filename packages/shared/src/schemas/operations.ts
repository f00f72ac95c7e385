import { Type, type Static } from 'typebox'
import { ClusterId, K8sName } from './common.ts'
import { NodeName } from './nodes.ts'

/** Power operations: `POST /api/v1/clusters/{c}/namespaces/{ns}/vms/{name}/{action}`. */
export const VmPowerAction = Type.Enum([
  'start',
  'stop',
  'restart',
  'pause',
  'unpause',
  'force-stop',
  'force-restart',
])
export type VmPowerAction = Static<typeof VmPowerAction>
export const vmPowerActions: readonly VmPowerAction[] = [
  'start',
  'stop',
  'restart',
  'pause',
  'unpause',
  'force-stop',
  'force-restart',
]

export const VmActionParams = Type.Object({
  cluster: ClusterId,
  namespace: K8sName,
  name: K8sName,
  action: VmPowerAction,
})
export type VmActionParams = Static<typeof VmActionParams>

/** Body of a power operation; only `start` takes an option (start paused). Empty `{}` is fine. */
export const VmActionRequest = Type.Object(
  { paused: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
)
export type VmActionRequest = Static<typeof VmActionRequest>

/**
 * The answer to every accepted operation (KubeVirt answers 200 or 202 depending on the
 * subresource; vmdeck always answers 202 with this body). The effect shows up on the stream.
 */
export const OperationAccepted = Type.Object({
  accepted: Type.Literal(true),
  message: Type.String(),
  /** The object the operation created, when it created one (migration, snapshot, clone, restore). */
  name: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
})
export type OperationAccepted = Static<typeof OperationAccepted>

/** `POST …/vms/{name}/migrate`: live-migrate, optionally to one chosen node. */
export const MigrateRequest = Type.Object(
  { targetNode: Type.Optional(NodeName) },
  { additionalProperties: false },
)
export type MigrateRequest = Static<typeof MigrateRequest>

export const MigrationParams = Type.Object({
  cluster: ClusterId,
  namespace: K8sName,
  name: K8sName,
  migration: K8sName,
})
export type MigrationParams = Static<typeof MigrationParams>

/** `POST …/vms/{name}/clone`: a new VM from this one, in the same or another namespace. */
export const CloneRequest = Type.Object(
  {
    name: K8sName,
    namespace: Type.Optional(K8sName),
    /** Start the clone once it exists (default false). */
    start: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type CloneRequest = Static<typeof CloneRequest>

/** `DELETE …/vms/{name}?deleteDisks=`: by default owned disks (dataVolumeTemplates) go too. */
export const DeleteVmQuery = Type.Object(
  { deleteDisks: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
)
export type DeleteVmQuery = Static<typeof DeleteVmQuery>

/** `POST …/snapshots/{snap}/restore`: restores the VM in place; the VM must be stopped. */
export const RestoreRequest = Type.Object({}, { additionalProperties: false })
export type RestoreRequest = Static<typeof RestoreRequest>

/** A Kubernetes event of the VM, its VMI or its virt-launcher pod. */
export const VmEvent = Type.Object({
  type: Type.String(),
  reason: Type.String(),
  message: Type.String(),
  /** e.g. `VirtualMachine/web-01`, `Pod/virt-launcher-web-01-abcde`. */
  object: Type.String(),
  count: Type.Integer(),
  firstSeen: Type.Optional(Type.String()),
  lastSeen: Type.Optional(Type.String()),
  source: Type.Optional(Type.String()),
})
export type VmEvent = Static<typeof VmEvent>

export const VmEventList = Type.Object({ items: Type.Array(VmEvent) })
export type VmEventList = Static<typeof VmEventList>

/** `GET …/vms/{name}/yaml`: the raw objects as YAML, read-only (managedFields dropped). */
export const VmYaml = Type.Object({
  items: Type.Array(Type.Object({ kind: Type.String(), name: Type.String(), yaml: Type.String() })),
})
export type VmYaml = Static<typeof VmYaml>

/**
 * `POST …/vms/{name}/cloud-init/reveal`: the cloud-init data the YAML view masks (it often holds
 * passwords). Needs `get` on the VM (the API server decides) and is recorded in the BFF's log.
 */
export const CloudInitReveal = Type.Object({
  items: Type.Array(
    Type.Object({
      /** The volume's name in the VM. */
      volume: Type.String(),
      kind: Type.Union([Type.Literal('cloudInitNoCloud'), Type.Literal('cloudInitConfigDrive')]),
      userData: Type.Optional(Type.String()),
      networkData: Type.Optional(Type.String()),
      /** Data kept in a Secret is shown as the Secret's name, never read by vmdeck. */
      userDataSecretRef: Type.Optional(Type.String()),
      networkDataSecretRef: Type.Optional(Type.String()),
    }),
  ),
})
export type CloudInitReveal = Static<typeof CloudInitReveal>
