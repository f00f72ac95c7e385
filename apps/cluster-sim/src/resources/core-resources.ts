import { resource, type ResourceDef } from '../kube/registry.ts'

/** The built-in Kubernetes kinds the simulator reads and writes (core group). */
export const coreResources: ResourceDef[] = [
  resource('v1', 'Namespace', 'namespaces', 'Cluster'),
  resource('v1', 'Node', 'nodes', 'Cluster'),
  resource('v1', 'Pod', 'pods', 'Namespaced'),
  resource('v1', 'Event', 'events', 'Namespaced'),
  resource('v1', 'ConfigMap', 'configmaps', 'Namespaced'),
  resource('v1', 'Secret', 'secrets', 'Namespaced'),
  resource('v1', 'ServiceAccount', 'serviceaccounts', 'Namespaced'),
  resource('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', 'Namespaced'),
  resource('v1', 'PersistentVolume', 'persistentvolumes', 'Cluster'),
  resource('v1', 'Service', 'services', 'Namespaced'),
]
