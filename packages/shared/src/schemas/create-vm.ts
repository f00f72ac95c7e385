import { Type, type Static } from 'typebox'
import { K8sName } from './common.ts'

/** A Kubernetes resource quantity such as `2Gi`, `512Mi`, `30G`. */
export const Quantity = Type.String({
  pattern: '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$',
  minLength: 1,
  maxLength: 24,
})
export type Quantity = Static<typeof Quantity>

/** A DNS-1123 subdomain (storage classes, instancetypes, NADs may contain dots). */
export const K8sSubdomain = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  minLength: 1,
  maxLength: 253,
})

/** vCPUs of a VM sized by hand. */
export const VmCpuCount = Type.Integer({ minimum: 1, maximum: 256 })

/** A container image reference: `quay.io/containerdisks/fedora:41`. */
export const ContainerImage = Type.String({
  pattern: '^[a-zA-Z0-9][a-zA-Z0-9._/:@-]*$',
  maxLength: 512,
})

/** An http(s) address of a disk image for CDI to import. */
export const ImageUrl = Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 })

/** A Multus NetworkAttachmentDefinition: `nad-name` or `namespace/nad-name`. */
export const NetworkAttachmentName = Type.String({
  pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?$',
  maxLength: 317,
})

/** The Linux user cloud-init creates. */
export const LinuxUserName = Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,31}$' })

/** A cloud-init password: no control characters. */
export const CloudInitPassword = Type.String({ pattern: '^[^\\x00-\\x1f\\x7f]+$', maxLength: 256 })

/** One `authorized_keys` line: key type, base64 key, optional comment. */
export const SshPublicKey = Type.String({
  pattern:
    '^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9-]+@openssh\\.com) [A-Za-z0-9+/=]+( [^\\x00-\\x1f\\x7f]*)?$',
  maxLength: 16384,
})

/** Size from an instancetype (cluster-wide by default) or explicit vCPUs and memory. */
export const VmComputeForm = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('instancetype'),
      instancetype: K8sSubdomain,
      /** VirtualMachineClusterInstancetype (default) or a namespaced VirtualMachineInstancetype. */
      clusterScoped: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('custom'),
      cpus: VmCpuCount,
      memory: Quantity,
    },
    { additionalProperties: false },
  ),
])
export type VmComputeForm = Static<typeof VmComputeForm>

/**
 * Where the root disk comes from: a container image (ephemeral containerDisk), an HTTP(S) URL
 * imported by CDI into a new DataVolume, or a clone of an existing PVC or DataSource.
 * The BFF never fetches the URL itself; CDI's importer does, in the user's namespace.
 */
export const VmBootSource = Type.Union([
  Type.Object(
    {
      type: Type.Literal('containerDisk'),
      image: ContainerImage,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('url'),
      url: ImageUrl,
      size: Quantity,
      storageClass: Type.Optional(K8sSubdomain),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('pvc'),
      name: K8sSubdomain,
      /** Defaults to the VM's namespace. */
      namespace: Type.Optional(K8sName),
      size: Quantity,
      storageClass: Type.Optional(K8sSubdomain),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('dataSource'),
      name: K8sSubdomain,
      namespace: Type.Optional(K8sName),
      size: Quantity,
      storageClass: Type.Optional(K8sSubdomain),
    },
    { additionalProperties: false },
  ),
])
export type VmBootSource = Static<typeof VmBootSource>

/** An extra blank disk, created as a DataVolume owned by the VM. */
export const VmDiskForm = Type.Object(
  {
    name: K8sName,
    size: Quantity,
    storageClass: Type.Optional(K8sSubdomain),
    bus: Type.Optional(Type.Enum(['virtio', 'sata', 'scsi'])),
  },
  { additionalProperties: false },
)
export type VmDiskForm = Static<typeof VmDiskForm>

/** The pod network (masquerade) or a Multus network (bridge binding) by NAD name. */
export const VmNetworkForm = Type.Union([
  Type.Object({ name: K8sName, type: Type.Literal('pod') }, { additionalProperties: false }),
  Type.Object(
    {
      name: K8sName,
      type: Type.Literal('multus'),
      networkName: NetworkAttachmentName,
    },
    { additionalProperties: false },
  ),
])
export type VmNetworkForm = Static<typeof VmNetworkForm>

export const VmCloudInitForm = Type.Object(
  {
    user: Type.Optional(LinuxUserName),
    password: Type.Optional(CloudInitPassword),
    sshAuthorizedKeys: Type.Optional(Type.Array(SshPublicKey, { maxItems: 20 })),
  },
  { additionalProperties: false },
)
export type VmCloudInitForm = Static<typeof VmCloudInitForm>

/** The create-VM form: everything a VM admin picks, never YAML. */
export const VmCreateForm = Type.Object(
  {
    name: K8sName,
    namespace: K8sName,
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    labels: Type.Optional(
      Type.Record(
        Type.String({
          pattern: '^([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$',
        }),
        Type.String({ pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$' }),
        { maxProperties: 64 },
      ),
    ),
    compute: VmComputeForm,
    /** A VirtualMachineClusterPreference (default) or namespaced VirtualMachinePreference. */
    preference: Type.Optional(
      Type.Object(
        { name: K8sSubdomain, clusterScoped: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
    ),
    bootSource: VmBootSource,
    disks: Type.Optional(Type.Array(VmDiskForm, { maxItems: 16 })),
    /** Defaults to one pod network named `default`. */
    networks: Type.Optional(Type.Array(VmNetworkForm, { maxItems: 16 })),
    cloudInit: Type.Optional(VmCloudInitForm),
    startNow: Type.Boolean(),
    evictionStrategy: Type.Optional(
      Type.Enum(['None', 'LiveMigrate', 'LiveMigrateIfPossible', 'External']),
    ),
  },
  { additionalProperties: false },
)
export type VmCreateForm = Static<typeof VmCreateForm>

export const VmCreateQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
)
export type VmCreateQuery = Static<typeof VmCreateQuery>

/** Answer to `POST …/vms`: the VM that was (or, with `?dryRun=true`, would be) created. */
export const VmCreateResult = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  dryRun: Type.Boolean(),
  /** The exact VirtualMachine object sent to the API server, as it accepted it. */
  manifest: Type.Unknown(),
})
export type VmCreateResult = Static<typeof VmCreateResult>
