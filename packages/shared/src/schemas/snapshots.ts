import { Type, type Static } from 'typebox'
import { ClusterId, K8sName } from './common.ts'

/** VirtualMachineSnapshot phases (snapshot.kubevirt.io/v1beta1), plus `Unknown` when unset. */
export const SnapshotPhase = Type.Enum(['InProgress', 'Succeeded', 'Failed', 'Deleting', 'Unknown'])
export type SnapshotPhase = Static<typeof SnapshotPhase>

/** One VirtualMachineSnapshot of a VM, with the latest restore from it if any. */
export const VmSnapshot = Type.Object({
  namespace: K8sName,
  name: K8sName,
  vmName: Type.String(),
  phase: SnapshotPhase,
  readyToUse: Type.Boolean(),
  createdAt: Type.String(),
  /** When the snapshot was taken (status.creationTime). */
  creationTime: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  /** KubeVirt's source indications: Online, GuestAgent, NoGuestAgent, Paused, … */
  indications: Type.Array(Type.String()),
  restore: Type.Optional(
    Type.Object({
      name: Type.String(),
      complete: Type.Boolean(),
      restoreTime: Type.Optional(Type.String()),
      error: Type.Optional(Type.String()),
    }),
  ),
})
export type VmSnapshot = Static<typeof VmSnapshot>

export const VmSnapshotList = Type.Object({ items: Type.Array(VmSnapshot) })
export type VmSnapshotList = Static<typeof VmSnapshotList>

/** `POST …/vms/{name}/snapshots`: the name is generated when omitted. */
export const SnapshotCreateRequest = Type.Object(
  { name: Type.Optional(K8sName) },
  { additionalProperties: false },
)
export type SnapshotCreateRequest = Static<typeof SnapshotCreateRequest>

export const SnapshotParams = Type.Object({
  cluster: ClusterId,
  namespace: K8sName,
  name: K8sName,
  snapshot: K8sName,
})
export type SnapshotParams = Static<typeof SnapshotParams>
