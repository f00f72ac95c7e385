import { resource, type ResourceDef } from '../kube/registry.ts'

/** The storage.k8s.io and apiextensions.k8s.io kinds the simulator reads and writes. */
export const platformResources: ResourceDef[] = [
  resource('storage.k8s.io/v1', 'StorageClass', 'storageclasses', 'Cluster'),
  resource(
    'apiextensions.k8s.io/v1',
    'CustomResourceDefinition',
    'customresourcedefinitions',
    'Cluster',
  ),
]
