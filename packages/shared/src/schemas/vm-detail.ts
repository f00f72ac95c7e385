import { Type, type Static } from 'typebox'
import { VmMigration } from './migrations.ts'
import { VmSnapshot } from './snapshots.ts'
import { VmSummary } from './vms.ts'

/** Where a disk's data comes from (the VM's `spec.template.spec.volumes[]` entry). */
export const VmDiskSource = Type.Object({
  kind: Type.Enum([
    'containerDisk',
    'dataVolume',
    'persistentVolumeClaim',
    'cloudInitNoCloud',
    'cloudInitConfigDrive',
    'emptyDisk',
    'ephemeral',
    'other',
  ]),
  /** Image for a containerDisk, claim or DataVolume name otherwise. */
  ref: Type.Optional(Type.String()),
})
export type VmDiskSource = Static<typeof VmDiskSource>

export const VmDisk = Type.Object({
  name: Type.String(),
  /** disk, cdrom or lun. */
  type: Type.String(),
  bus: Type.Optional(Type.String()),
  bootOrder: Type.Optional(Type.Integer()),
  source: VmDiskSource,
  /** Requested size of an owned DataVolume (from dataVolumeTemplates), e.g. `30Gi`. */
  size: Type.Optional(Type.String()),
  /** Owned by the VM (a dataVolumeTemplate): deleted with it unless kept. */
  owned: Type.Boolean(),
})
export type VmDisk = Static<typeof VmDisk>

export const VmNic = Type.Object({
  name: Type.String(),
  /** `pod` or `multus`. */
  network: Type.String(),
  /** The NetworkAttachmentDefinition (`ns/name` or `name`) of a Multus network. */
  networkName: Type.Optional(Type.String()),
  /** masquerade, bridge, sriov, passt, … */
  binding: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  mac: Type.Optional(Type.String()),
  ips: Type.Array(Type.String()),
  /** The name inside the guest (guest agent). */
  interfaceName: Type.Optional(Type.String()),
  linkState: Type.Optional(Type.String()),
})
export type VmNic = Static<typeof VmNic>

export const VmCondition = Type.Object({
  type: Type.String(),
  status: Type.String(),
  reason: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  lastTransitionTime: Type.Optional(Type.String()),
  /** `vm` or `vmi`: where the condition was read. */
  source: Type.String(),
})
export type VmCondition = Static<typeof VmCondition>

/** What the guest agent reports; under the guest's control, so render it as text only. */
export const VmGuestInfo = Type.Object({
  hostname: Type.Optional(Type.String()),
  osName: Type.Optional(Type.String()),
  osPrettyName: Type.Optional(Type.String()),
  osVersion: Type.Optional(Type.String()),
  kernelRelease: Type.Optional(Type.String()),
  timezone: Type.Optional(Type.String()),
})
export type VmGuestInfo = Static<typeof VmGuestInfo>

/** Everything the VM detail page shows: the summary plus disks, NICs, conditions and more. */
export const VmDetail = Type.Object({
  ...VmSummary.properties,
  annotations: Type.Record(Type.String(), Type.String()),
  /** VMI phase when an instance exists. */
  phase: Type.Optional(Type.String()),
  evictionStrategy: Type.Optional(Type.String()),
  terminationGracePeriodSeconds: Type.Optional(Type.Integer()),
  disks: Type.Array(VmDisk),
  nics: Type.Array(VmNic),
  conditions: Type.Array(VmCondition),
  snapshots: Type.Array(VmSnapshot),
  /** The latest migration of this VM, if any (active or finished). */
  migration: Type.Optional(VmMigration),
  guest: Type.Optional(VmGuestInfo),
  snapshotInProgress: Type.Optional(Type.String()),
  restoreInProgress: Type.Optional(Type.String()),
  /** A change that only applies after a restart is pending (condition RestartRequired). */
  restartRequired: Type.Boolean(),
  /** The VMI's uid, when running (console sessions bind to it). */
  vmiUid: Type.Optional(Type.String()),
})
export type VmDetail = Static<typeof VmDetail>
