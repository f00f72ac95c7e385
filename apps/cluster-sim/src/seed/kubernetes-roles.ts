import type { KObject } from '../apiserver/types.ts'
import { clusterRole, clusterRoleBinding, readVerbs, writeVerbs } from './rbac-objects.ts'

// The bootstrap policy kube-apiserver v1.32 creates (`plugin/pkg/auth/authorizer/rbac/
// bootstrappolicy/policy.go`), condensed to the resources a KubeVirt cluster uses. `admin`,
// `edit` and `view` are aggregated: their rules come from every ClusterRole labelled
// `aggregate-to-<role>` (including KubeVirt's), and view → edit → admin flow upward.
const label = (role: string) => ({ [`rbac.authorization.k8s.io/${role}`]: 'true' })

export function kubernetesRoles(): KObject[] {
  return [
    clusterRole('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    clusterRole('admin', [], { aggregateFrom: 'aggregate-to-admin' }),
    clusterRole('edit', [], {
      aggregateFrom: 'aggregate-to-edit',
      labels: label('aggregate-to-admin'),
    }),
    clusterRole('view', [], {
      aggregateFrom: 'aggregate-to-view',
      labels: label('aggregate-to-edit'),
    }),
    clusterRole(
      'system:aggregate-to-admin',
      [
        {
          apiGroups: ['authorization.k8s.io'],
          resources: ['localsubjectaccessreviews'],
          verbs: ['create'],
        },
        {
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['rolebindings', 'roles'],
          verbs: [...writeVerbs, ...readVerbs],
        },
      ],
      { labels: label('aggregate-to-admin') },
    ),
    clusterRole(
      'system:aggregate-to-edit',
      [
        {
          apiGroups: [''],
          resources: [
            'pods/attach',
            'pods/exec',
            'pods/portforward',
            'pods/proxy',
            'secrets',
            'services/proxy',
          ],
          verbs: readVerbs,
        },
        { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
        {
          apiGroups: [''],
          resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'],
          verbs: writeVerbs,
        },
        { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
        {
          apiGroups: [''],
          resources: [
            'configmaps',
            'events',
            'persistentvolumeclaims',
            'replicationcontrollers',
            'replicationcontrollers/scale',
            'secrets',
            'serviceaccounts',
            'services',
            'services/proxy',
          ],
          verbs: writeVerbs,
        },
        { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
        {
          apiGroups: ['apps'],
          resources: [
            'daemonsets',
            'deployments',
            'deployments/rollback',
            'deployments/scale',
            'replicasets',
            'replicasets/scale',
            'statefulsets',
            'statefulsets/scale',
          ],
          verbs: writeVerbs,
        },
        { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: writeVerbs },
      ],
      { labels: label('aggregate-to-edit') },
    ),
    clusterRole(
      'system:aggregate-to-view',
      [
        {
          apiGroups: [''],
          resources: [
            'configmaps',
            'endpoints',
            'persistentvolumeclaims',
            'persistentvolumeclaims/status',
            'pods',
            'replicationcontrollers',
            'replicationcontrollers/scale',
            'serviceaccounts',
            'services',
            'services/status',
          ],
          verbs: readVerbs,
        },
        {
          apiGroups: [''],
          resources: [
            'bindings',
            'events',
            'limitranges',
            'namespaces/status',
            'pods/log',
            'pods/status',
            'replicationcontrollers/status',
            'resourcequotas',
            'resourcequotas/status',
          ],
          verbs: readVerbs,
        },
        { apiGroups: [''], resources: ['namespaces'], verbs: readVerbs },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: readVerbs },
        {
          apiGroups: ['apps'],
          resources: [
            'controllerrevisions',
            'daemonsets',
            'deployments',
            'replicasets',
            'statefulsets',
          ],
          verbs: readVerbs,
        },
        { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: readVerbs },
        { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: readVerbs },
      ],
      { labels: label('aggregate-to-view') },
    ),
    clusterRole('system:discovery', [
      {
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
        verbs: ['get'],
      },
    ]),
    clusterRole('system:public-info-viewer', [
      {
        nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'],
        verbs: ['get'],
      },
    ]),
    clusterRole('system:basic-user', [
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        verbs: ['create'],
      },
      {
        apiGroups: ['authentication.k8s.io'],
        resources: ['selfsubjectreviews'],
        verbs: ['create'],
      },
    ]),
    clusterRoleBinding('cluster-admin', 'cluster-admin', ['Group:system:masters']),
    clusterRoleBinding('system:discovery', 'system:discovery', ['Group:system:authenticated']),
    clusterRoleBinding('system:basic-user', 'system:basic-user', ['Group:system:authenticated']),
    clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [
      'Group:system:authenticated',
      'Group:system:unauthenticated',
    ]),
  ]
}
