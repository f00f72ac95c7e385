import type { ResourceDef } from '../apiserver/registry.ts'
import { nodeColumns, podColumns } from './core-printers.ts'

const core = (def: Omit<ResourceDef, 'group' | 'version' | 'crd'>): ResourceDef => ({
  group: '',
  version: 'v1',
  crd: false,
  ...def,
})

/** Built-in Kubernetes kinds the simulator serves (kube-apiserver v1.32 names and shortNames). */
export const coreResources: ResourceDef[] = [
  core({
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    printerColumns: [
      { name: 'Status', type: 'string', jsonPath: '.status.phase' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  }),
  core({
    plural: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status'],
    printerColumns: nodeColumns,
  }),
  core({
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status'],
    printerColumns: podColumns,
    // group/version: `kubectl drain` uses the Eviction API only when discovery names them.
    extraSubresources: [
      { name: 'eviction', kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' },
    ],
  }),
  core({
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
  }),
  core({
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
  }),
  core({ plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true }),
  core({
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    extraSubresources: [
      {
        name: 'token',
        kind: 'TokenRequest',
        verbs: ['create'],
        group: 'authentication.k8s.io',
        version: 'v1',
      },
    ],
  }),
  core({
    plural: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: ['status'],
  }),
  core({
    plural: 'persistentvolumes',
    singular: 'persistentvolume',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
    subresources: ['status'],
  }),
  core({
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
  }),
]
