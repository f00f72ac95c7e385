import { Type, type Static } from 'typebox'
import { ClusterId, K8sName } from './common.ts'

// What the Configuration tab and the create wizard pick from instead of typing names: the
// cluster's catalogs, each listed as the user may read it.

export const CatalogQuery = Type.Object(
  { namespace: Type.Optional(K8sName) },
  { additionalProperties: false },
)
export type CatalogQuery = Static<typeof CatalogQuery>

/** An instancetype or a preference, cluster-wide or of the namespace asked for. */
export const CatalogSizing = Type.Object({
  name: Type.String(),
  clusterScoped: Type.Boolean(),
  displayName: Type.Optional(Type.String()),
  cpus: Type.Optional(Type.Integer()),
  memory: Type.Optional(Type.String()),
})
export const CatalogSizingList = Type.Object({ items: Type.Array(CatalogSizing) })
export type CatalogSizingList = Static<typeof CatalogSizingList>

export const CatalogDataSource = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  ready: Type.Boolean(),
})
export const CatalogDataSourceList = Type.Object({ items: Type.Array(CatalogDataSource) })
export type CatalogDataSourceList = Static<typeof CatalogDataSourceList>

export const CatalogStorageClass = Type.Object({
  name: Type.String(),
  provisioner: Type.String(),
  isDefault: Type.Boolean(),
  volumeBindingMode: Type.Optional(Type.String()),
  allowVolumeExpansion: Type.Boolean(),
})
export const CatalogStorageClassList = Type.Object({ items: Type.Array(CatalogStorageClass) })
export type CatalogStorageClassList = Static<typeof CatalogStorageClassList>

export const CatalogNetwork = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  /** The CNI plugin of its config (`bridge`, `ovn-k8s-cni-overlay` …). */
  type: Type.Optional(Type.String()),
  vlan: Type.Optional(Type.Integer()),
})
export const CatalogNetworkList = Type.Object({ items: Type.Array(CatalogNetwork) })
export type CatalogNetworkList = Static<typeof CatalogNetworkList>

export const CatalogNameList = Type.Object({
  items: Type.Array(Type.Object({ name: Type.String() })),
})
export type CatalogNameList = Static<typeof CatalogNameList>

export const VlanId = Type.Integer({ minimum: 1, maximum: 4094 })

/**
 * New VLAN networks: one (`vlan`) or a range (`vlan` to `lastVlan`, at most 64), each a bridge
 * NetworkAttachmentDefinition named `{prefix}-{vlan}`.
 */
export const VlanNetworkForm = Type.Object(
  {
    prefix: Type.String({
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      minLength: 1,
      maxLength: 50,
    }),
    vlan: Type.Integer(),
    lastVlan: Type.Optional(Type.Integer()),
    /** The node bridge the VLANs are tagged on (default `br1`). */
    bridge: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,15}$' })),
  },
  { additionalProperties: false },
)
export type VlanNetworkForm = Static<typeof VlanNetworkForm>

export const NamespaceParams = Type.Object({
  cluster: ClusterId,
  namespace: K8sName,
})
export const NetworkParams = Type.Object({
  cluster: ClusterId,
  namespace: K8sName,
  name: Type.String({ pattern: '^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$', maxLength: 253 }),
})
