import { Type, type Static } from 'typebox'
import { K8sName } from './common.ts'
import { K8sSubdomain, NetworkAttachmentName, Quantity, SshPublicKey } from './create-vm.ts'

// The Configuration tab's model: what a VM admin may change without YAML, section by section.
// Every change is sent as a whole section, together with the configuration version it was made on
// (the VM's spec generation and its labels and annotations; status updates do not count), so a
// write over someone else's change is refused (409) instead of silently undoing it.

const LabelKey = Type.String({
  pattern: '^([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$',
  maxLength: 317,
})
const LabelValue = Type.String({ pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$' })

export const RunStrategy = Type.Enum(['Always', 'RerunOnFailure', 'Manual', 'Halted', 'Once'])
export const EvictionStrategy = Type.Enum([
  'None',
  'LiveMigrate',
  'LiveMigrateIfPossible',
  'External',
])

export const VmDetailsChange = Type.Object(
  {
    description: Type.String({ maxLength: 1024 }),
    labels: Type.Record(LabelKey, LabelValue, { maxProperties: 64 }),
    annotations: Type.Record(LabelKey, Type.String({ maxLength: 4096 }), { maxProperties: 64 }),
    runStrategy: RunStrategy,
    /** Absent: the cluster's default. */
    evictionStrategy: Type.Optional(EvictionStrategy),
  },
  { additionalProperties: false },
)
export type VmDetailsChange = Static<typeof VmDetailsChange>

const TopologyCount = Type.Integer({ minimum: 1, maximum: 64 })
const ReferenceKind = Type.Object(
  { name: K8sSubdomain, clusterScoped: Type.Boolean() },
  { additionalProperties: false },
)

export const VmComputeChange = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('custom'),
      sockets: TopologyCount,
      cores: TopologyCount,
      threads: TopologyCount,
      memory: Quantity,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('instancetype'),
      instancetype: ReferenceKind,
      preference: Type.Optional(ReferenceKind),
    },
    { additionalProperties: false },
  ),
])
export type VmComputeChange = Static<typeof VmComputeChange>

export const DiskBus = Type.Enum(['virtio', 'sata', 'scsi'])

/** One disk operation: add a blank disk, a clone, an existing PVC; remove; CD-ROM insert/eject. */
export const VmDiskChange = Type.Union([
  Type.Object(
    {
      op: Type.Literal('add'),
      name: K8sName,
      bus: DiskBus,
      source: Type.Union([
        Type.Object(
          {
            type: Type.Literal('blank'),
            size: Quantity,
            storageClass: Type.Optional(K8sSubdomain),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          { type: Type.Literal('pvc'), claimName: K8sSubdomain },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            type: Type.Literal('clone'),
            from: Type.Enum(['pvc', 'dataSource']),
            name: K8sSubdomain,
            namespace: Type.Optional(K8sName),
            size: Quantity,
            storageClass: Type.Optional(K8sSubdomain),
          },
          { additionalProperties: false },
        ),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ op: Type.Literal('remove'), name: K8sName }, { additionalProperties: false }),
  Type.Object(
    {
      op: Type.Literal('insert-cdrom'),
      /** A CD-ROM drive of the VM (created, on the SATA bus, when it has none of that name). */
      name: K8sName,
      claimName: K8sSubdomain,
    },
    { additionalProperties: false },
  ),
  Type.Object({ op: Type.Literal('eject-cdrom'), name: K8sName }, { additionalProperties: false }),
])
export type VmDiskChange = Static<typeof VmDiskChange>

const MacAddress = Type.String({ pattern: '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$' })
export const NicModel = Type.Enum(['virtio', 'e1000', 'e1000e', 'rtl8139'])

export const VmNetworkChange = Type.Union([
  Type.Object(
    {
      op: Type.Literal('add'),
      name: K8sName,
      model: Type.Optional(NicModel),
      macAddress: Type.Optional(MacAddress),
      network: Type.Union([
        Type.Object({ type: Type.Literal('pod') }, { additionalProperties: false }),
        Type.Object(
          { type: Type.Literal('multus'), networkName: NetworkAttachmentName },
          { additionalProperties: false },
        ),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ op: Type.Literal('remove'), name: K8sName }, { additionalProperties: false }),
])
export type VmNetworkChange = Static<typeof VmNetworkChange>

export const VmInitialRunChange = Type.Object(
  {
    /** cloud-init user data (`#cloud-config` YAML); empty removes the cloud-init disk. */
    userData: Type.String({ maxLength: 32768 }),
    networkData: Type.Optional(Type.String({ maxLength: 32768 })),
    /** Keys written into the user data's `ssh_authorized_keys` (replacing those it had). */
    sshAuthorizedKeys: Type.Optional(Type.Array(SshPublicKey, { maxItems: 20 })),
    /** A Secret of public keys KubeVirt puts into the guest (access credentials); null removes it. */
    sshKeySecret: Type.Optional(Type.Union([K8sName, Type.Null()])),
  },
  { additionalProperties: false },
)
export type VmInitialRunChange = Static<typeof VmInitialRunChange>

export const VmConfigSections = {
  details: VmDetailsChange,
  compute: VmComputeChange,
  disks: VmDiskChange,
  network: VmNetworkChange,
  'initial-run': VmInitialRunChange,
} as const
export type VmConfigSection = keyof typeof VmConfigSections
export type VmConfigChange<S extends VmConfigSection> = Static<(typeof VmConfigSections)[S]>

/** The body of a section's review and apply: the change and the VM version it was made on. */
export const vmConfigRequest = <S extends VmConfigSection>(section: S) =>
  Type.Object(
    {
      version: Type.String({ minLength: 1, maxLength: 64 }),
      change: VmConfigSections[section],
    },
    { additionalProperties: false },
  )

export const VmConfigDisk = Type.Object({
  name: Type.String(),
  type: Type.Enum(['disk', 'cdrom', 'lun']),
  bus: Type.Optional(Type.String()),
  bootOrder: Type.Optional(Type.Integer()),
  /** containerDisk, dataVolume, persistentVolumeClaim, cloudInitNoCloud …; absent: an empty drive. */
  sourceKind: Type.Optional(Type.String()),
  sourceName: Type.Optional(Type.String()),
  size: Type.Optional(Type.String()),
  storageClass: Type.Optional(Type.String()),
  hotpluggable: Type.Boolean(),
})
export type VmConfigDisk = Static<typeof VmConfigDisk>

export const VmConfigInterface = Type.Object({
  name: Type.String(),
  model: Type.Optional(Type.String()),
  macAddress: Type.Optional(Type.String()),
  binding: Type.String(),
  network: Type.String(),
  networkType: Type.Enum(['pod', 'multus', 'other']),
  state: Type.Optional(Type.String()),
})
export type VmConfigInterface = Static<typeof VmConfigInterface>

/** `GET …/vms/{name}/config`: the VM's editable configuration. */
export const VmConfig = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  /** The configuration version: send it back with a change. */
  version: Type.String(),
  running: Type.Boolean(),
  /** Whether the user may change the VM; when not, why. */
  editable: Type.Boolean(),
  readOnlyReason: Type.Optional(Type.String()),
  /** KubeVirt's RestartRequired condition: changes saved that the running VM has not taken. */
  restartRequired: Type.Optional(Type.String()),
  details: VmDetailsChange,
  compute: Type.Object({
    kind: Type.Enum(['custom', 'instancetype']),
    sockets: Type.Optional(Type.Integer()),
    cores: Type.Optional(Type.Integer()),
    threads: Type.Optional(Type.Integer()),
    memory: Type.Optional(Type.String()),
    instancetype: Type.Optional(ReferenceKind),
    preference: Type.Optional(ReferenceKind),
    /** The limits of a live change, as KubeVirt set them on the running VMI. */
    maxSockets: Type.Optional(Type.Integer()),
    maxGuest: Type.Optional(Type.String()),
    /** The smallest memory vmdeck lets a VM have (the guest does not boot with less). */
    minMemory: Type.String(),
  }),
  disks: Type.Array(VmConfigDisk),
  interfaces: Type.Array(VmConfigInterface),
  initialRun: Type.Object({
    /** The cloud-init volume, if any (its data comes from the audited reveal route). */
    cloudInitVolume: Type.Optional(Type.String()),
    hasUserData: Type.Boolean(),
    sshKeySecret: Type.Optional(Type.String()),
  }),
})
export type VmConfig = Static<typeof VmConfig>

/** One leaf of the spec that changes: `before` absent = added, `after` absent = removed. */
export const SpecChange = Type.Object({
  path: Type.String(),
  before: Type.Optional(Type.Unknown()),
  after: Type.Optional(Type.Unknown()),
})
export type SpecChange = Static<typeof SpecChange>

/** The answer of a review (a dry run the API server and KubeVirt's admission accepted). */
export const VmConfigReview = Type.Object({
  version: Type.String(),
  changes: Type.Array(SpecChange),
})
export type VmConfigReview = Static<typeof VmConfigReview>

/**
 * When a saved change takes effect: `now` (metadata, run strategy), `live` (the running VM took it),
 * `restart` (KubeVirt marked the VM RestartRequired), `next-start` (the VM is stopped).
 */
export const VmConfigApplied = Type.Object({
  version: Type.String(),
  changes: Type.Array(SpecChange),
  takesEffect: Type.Enum(['now', 'live', 'restart', 'next-start']),
  message: Type.String(),
})
export type VmConfigApplied = Static<typeof VmConfigApplied>
