import type { ResourceDef } from '../apiserver/registry.ts'

/** storage.k8s.io and apiextensions.k8s.io kinds, as kube-apiserver v1.32 serves them. */
export const platformResources: ResourceDef[] = [
  {
    group: 'storage.k8s.io',
    version: 'v1',
    plural: 'storageclasses',
    singular: 'storageclass',
    kind: 'StorageClass',
    namespaced: false,
    shortNames: ['sc'],
    crd: false,
    printerColumns: [
      { name: 'Provisioner', type: 'string', jsonPath: '.provisioner' },
      { name: 'ReclaimPolicy', type: 'string', jsonPath: '.reclaimPolicy' },
      { name: 'VolumeBindingMode', type: 'string', jsonPath: '.volumeBindingMode' },
      { name: 'AllowVolumeExpansion', type: 'boolean', jsonPath: '.allowVolumeExpansion' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    subresources: ['status'],
    crd: false,
    printerColumns: [
      { name: 'Created At', type: 'string', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
]
