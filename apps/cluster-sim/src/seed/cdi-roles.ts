import type { KObject } from '../kube/types.ts'
import { clusterRole, readVerbs, type PolicyRule } from './rbac-objects.ts'

// CDI v1.66.0's aggregate ClusterRoles (`pkg/operator/resources/cluster/rbac.go`
// `createAggregateClusterRoles`): Kubernetes' admin and edit get every verb on the CDI kinds and
// on `uploadtokenrequests` (so a namespace's editors may upload images), view only reads.
const CDI = 'cdi.kubevirt.io'
const FORKLIFT = 'forklift.cdi.kubevirt.io'
const populators = ['ovirtvolumepopulators', 'openstackvolumepopulators']

/** `getAdminPolicyRules`; `getEditPolicyRules` returns the same. */
const adminRules: PolicyRule[] = [
  {
    apiGroups: [CDI],
    resources: [
      'datavolumes',
      'dataimportcrons',
      'datasources',
      'volumeimportsources',
      'volumeuploadsources',
      'volumeclonesources',
    ],
    verbs: ['*'],
  },
  { apiGroups: [CDI], resources: ['datavolumes/source'], verbs: ['create'] },
  { apiGroups: ['upload.cdi.kubevirt.io'], resources: ['uploadtokenrequests'], verbs: ['*'] },
  { apiGroups: [FORKLIFT], resources: populators, verbs: ['*'] },
]

const viewRules: PolicyRule[] = [
  {
    apiGroups: [CDI],
    resources: [
      'cdiconfigs',
      'dataimportcrons',
      'datasources',
      'datavolumes',
      'objecttransfers',
      'storageprofiles',
      'volumeimportsources',
      'volumeuploadsources',
      'volumeclonesources',
    ],
    verbs: readVerbs,
  },
  { apiGroups: [FORKLIFT], resources: populators, verbs: readVerbs },
]

/** `CreateAggregateClusterRole`: cdi-operator's common labels and the aggregation label. */
const labels = (aggregateTo: string) => ({
  [CDI]: '',
  'app.kubernetes.io/managed-by': 'cdi-operator',
  'app.kubernetes.io/component': 'storage',
  app: 'containerized-data-importer',
  [`rbac.authorization.k8s.io/aggregate-to-${aggregateTo}`]: 'true',
})

export function cdiRoles(): KObject[] {
  return [
    clusterRole('cdi.kubevirt.io:admin', adminRules, { labels: labels('admin') }),
    clusterRole('cdi.kubevirt.io:edit', adminRules, { labels: labels('edit') }),
    clusterRole('cdi.kubevirt.io:view', viewRules, { labels: labels('view') }),
  ]
}
