// Every path of the Kubernetes and KubeVirt APIs the BFF calls, built in one place (as Headlamp's
// URL builder and kubevirt-plugin's actions do): nothing else in the BFF spells an `/apis/…` path.
// Names are DNS labels checked by the route schemas; they are encoded anyway, so a name can
// never become a path segment of its own.

const KUBEVIRT = '/apis/kubevirt.io/v1'
const SUBRESOURCES = '/apis/subresources.kubevirt.io/v1'
const SNAPSHOT = '/apis/snapshot.kubevirt.io/v1beta1'
const CLONE = '/apis/clone.kubevirt.io/v1beta1'
const CDI = '/apis/cdi.kubevirt.io/v1beta1'
const RBAC = '/apis/rbac.authorization.k8s.io/v1'
const CORE = '/api/v1'
const VMDECK = '/apis/vmdeck.io/v1alpha1'
const EVENTS = '/apis/events.k8s.io/v1'
const INSTANCETYPE = '/apis/instancetype.kubevirt.io/v1beta1'
const STORAGE = '/apis/storage.k8s.io/v1'
const MULTUS = '/apis/k8s.cni.cncf.io/v1'

const e = encodeURIComponent

/** `{api}/namespaces/{ns}/{plural}`, or `{api}/{plural}` across namespaces. */
const collection = (api: string, plural: string, namespace?: string) =>
  namespace === undefined ? `${api}/${plural}` : `${api}/namespaces/${e(namespace)}/${plural}`

const item = (api: string, plural: string, namespace: string, name: string) =>
  `${collection(api, plural, namespace)}/${e(name)}`

/** The kinds KubeVirt serves subresources of (power operations, consoles, migrate). */
export type SubresourceKind = 'virtualmachines' | 'virtualmachineinstances'

export const paths = {
  version: '/version',
  apiGroups: '/apis',
  kubevirtVersion: `${SUBRESOURCES}/version`,
  kubevirts: `${KUBEVIRT}/kubevirts`,

  vms: (namespace?: string) => collection(KUBEVIRT, 'virtualmachines', namespace),
  vm: (namespace: string, name: string) => item(KUBEVIRT, 'virtualmachines', namespace, name),
  vmis: () => collection(KUBEVIRT, 'virtualmachineinstances'),
  vmi: (namespace: string, name: string) =>
    item(KUBEVIRT, 'virtualmachineinstances', namespace, name),
  migrations: (namespace?: string) =>
    collection(KUBEVIRT, 'virtualmachineinstancemigrations', namespace),
  migration: (namespace: string, name: string) =>
    item(KUBEVIRT, 'virtualmachineinstancemigrations', namespace, name),
  /** `PUT …/virtualmachines/{name}/start` and the like, and the console streams (GET, upgrade). */
  subresource: (namespace: string, kind: SubresourceKind, name: string, subresource: string) =>
    `${item(SUBRESOURCES, kind, namespace, name)}/${subresource}`,

  snapshots: (namespace: string) => collection(SNAPSHOT, 'virtualmachinesnapshots', namespace),
  snapshot: (namespace: string, name: string) =>
    item(SNAPSHOT, 'virtualmachinesnapshots', namespace, name),
  restores: (namespace: string) => collection(SNAPSHOT, 'virtualmachinerestores', namespace),
  clones: (namespace: string) => collection(CLONE, 'virtualmachineclones', namespace),
  dataVolume: (namespace: string, name: string) => item(CDI, 'datavolumes', namespace, name),

  clusterInstancetypes: () => collection(INSTANCETYPE, 'virtualmachineclusterinstancetypes'),
  instancetypes: (namespace: string) =>
    collection(INSTANCETYPE, 'virtualmachineinstancetypes', namespace),
  clusterPreferences: () => collection(INSTANCETYPE, 'virtualmachineclusterpreferences'),
  preferences: (namespace: string) =>
    collection(INSTANCETYPE, 'virtualmachinepreferences', namespace),
  dataSources: (namespace?: string) => collection(CDI, 'datasources', namespace),
  storageClasses: () => collection(STORAGE, 'storageclasses'),
  networkAttachments: (namespace?: string) =>
    collection(MULTUS, 'network-attachment-definitions', namespace),
  networkAttachment: (namespace: string, name: string) =>
    item(MULTUS, 'network-attachment-definitions', namespace, name),
  secrets: (namespace: string) => collection(CORE, 'secrets', namespace),

  nodes: () => collection(CORE, 'nodes'),
  node: (name: string) => `${collection(CORE, 'nodes')}/${e(name)}`,
  pods: () => collection(CORE, 'pods'),
  eviction: (namespace: string, pod: string) => `${item(CORE, 'pods', namespace, pod)}/eviction`,
  events: (namespace: string) => collection(CORE, 'events', namespace),
  namespaces: () => collection(CORE, 'namespaces'),
  configMaps: (namespace: string) => collection(CORE, 'configmaps', namespace),
  configMap: (namespace: string, name: string) => item(CORE, 'configmaps', namespace, name),
  /** vmdeck's task records (deploy/components/tasks), across namespaces without one. */
  tasks: (namespace?: string) => collection(VMDECK, 'tasks', namespace),
  task: (namespace: string, name: string) => item(VMDECK, 'tasks', namespace, name),
  taskStatus: (namespace: string, name: string) =>
    `${item(VMDECK, 'tasks', namespace, name)}/status`,
  /** events.k8s.io: the API that carries `reportingController`. */
  eventsV1: (namespace: string) => collection(EVENTS, 'events', namespace),
  rbac: (plural: 'rolebindings' | 'clusterrolebindings' | 'roles' | 'clusterroles') =>
    collection(RBAC, plural),

  accessReviews: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
  selfReviews: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
} as const

/** Whether a path is one of KubeVirt's subresources (virt-api answers those itself). */
export const isSubresourcePath = (path: string): boolean => path.startsWith(`${SUBRESOURCES}/`)
