import { Type, type Static } from 'typebox'

/** A DNS-1123 label: the shape of Kubernetes namespace and most object names. Guards every URL built from user input. */
export const K8sName = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  minLength: 1,
  maxLength: 63,
})
export type K8sName = Static<typeof K8sName>

/** A cluster id as it appears in `/api/v1/clusters/{cluster}`: a kubeconfig context name, sanitized. */
export const ClusterId = Type.String({
  pattern: '^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$',
  maxLength: 253,
})
export type ClusterId = Static<typeof ClusterId>

export const ClusterParams = Type.Object({ cluster: ClusterId })
export type ClusterParams = Static<typeof ClusterParams>

/** `GET /api/v1/clusters/{c}/namespaces`: the namespaces in which the user may list VMs. */
export const NamespaceList = Type.Object({ items: Type.Array(Type.Object({ name: K8sName })) })
export type NamespaceList = Static<typeof NamespaceList>
