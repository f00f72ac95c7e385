import type { KObject } from '../kube/types.ts'
import {
  allVerbs,
  clusterRole,
  clusterRoleBinding,
  readVerbs,
  type PolicyRule,
} from './rbac-objects.ts'

// KubeVirt v1.9.0's default ClusterRoles (pkg/virt-operator/resource/generate/rbac/cluster.go;
// docs/KUBEVIRT-NOTES.md#rbac). Migration is only in the
// non-aggregated `kubevirt.io:migrate`; `vnc/screenshot` only in `kubevirt.io:admin`.
const SUB = 'subresources.kubevirt.io'
const vmi = (names: string[]) => names.map((n) => `virtualmachineinstances/${n}`)
const vm = (names: string[]) => names.map((n) => `virtualmachines/${n}`)

const viewGets = [
  ...vm(['expand-spec', 'objectgraph']),
  ...vmi([
    'guestosinfo',
    'filesystemlist',
    'userlist',
    'sev/fetchcertchain',
    'sev/querylaunchmeasurement',
    'objectgraph',
  ]),
]
const editGets = [
  ...viewGets,
  ...vmi(['console', 'vnc', 'portforward', 'usbredir']),
  ...vm(['portforward']),
]
const adminGets = [...editGets, ...vmi(['vnc/screenshot'])]
const editUpdates = [
  ...vmi([
    'pause',
    'unpause',
    'addvolume',
    'removevolume',
    'freeze',
    'unfreeze',
    'softreboot',
    'reset',
    'sev/setupsession',
    'sev/injectlaunchsecret',
    'evacuate/cancel',
  ]),
  ...vm(['start', 'stop', 'restart', 'addvolume', 'removevolume', 'memorydump', 'evacuate/cancel']),
  'expand-vm-spec',
]
const coreObjects = [
  'virtualmachines',
  'virtualmachineinstances',
  'virtualmachineinstancepresets',
  'virtualmachineinstancereplicasets',
]
/** Kinds outside kubevirt.io that all three roles cover, by group. */
const otherObjects: [string, string[]][] = [
  [
    'snapshot.kubevirt.io',
    ['virtualmachinesnapshots', 'virtualmachinesnapshotcontents', 'virtualmachinerestores'],
  ],
  ['backup.kubevirt.io', ['virtualmachinebackups']],
  ['export.kubevirt.io', ['virtualmachineexports']],
  ['clone.kubevirt.io', ['virtualmachineclones']],
  [
    'instancetype.kubevirt.io',
    [
      'virtualmachineinstancetypes',
      'virtualmachineclusterinstancetypes',
      'virtualmachinepreferences',
      'virtualmachineclusterpreferences',
    ],
  ],
  ['pool.kubevirt.io', ['virtualmachinepools']],
]
const migrationsRead: PolicyRule[] = [
  { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstancemigrations'], verbs: readVerbs },
  { apiGroups: ['migrations.kubevirt.io'], resources: ['migrationpolicies'], verbs: readVerbs },
]

function objectRules(verbs: string[]): PolicyRule[] {
  return [
    { apiGroups: ['kubevirt.io'], resources: coreObjects, verbs },
    ...otherObjects.map(([group, resources]) => ({ apiGroups: [group], resources, verbs })),
  ]
}

const labels = (aggregate: string) => ({
  'app.kubernetes.io/component': 'kubevirt',
  'kubevirt.io': '',
  [`rbac.authorization.k8s.io/${aggregate}`]: 'true',
})

export function kubevirtRoles(): KObject[] {
  const kubevirtsRead = {
    apiGroups: ['kubevirt.io'],
    resources: ['kubevirts'],
    verbs: ['get', 'list'],
  }
  return [
    clusterRole(
      'kubevirt.io:admin',
      [
        { apiGroups: [SUB], resources: adminGets, verbs: ['get'] },
        { apiGroups: [SUB], resources: editUpdates, verbs: ['update'] },
        ...objectRules(allVerbs),
        ...migrationsRead,
      ],
      { labels: labels('aggregate-to-admin') },
    ),
    clusterRole(
      'kubevirt.io:edit',
      [
        { apiGroups: [SUB], resources: editGets, verbs: ['get'] },
        { apiGroups: [SUB], resources: editUpdates, verbs: ['update'] },
        ...objectRules(allVerbs.filter((v) => v !== 'deletecollection')),
        ...migrationsRead,
        kubevirtsRead,
      ],
      { labels: labels('aggregate-to-edit') },
    ),
    clusterRole(
      'kubevirt.io:view',
      [
        { apiGroups: [SUB], resources: viewGets, verbs: ['get'] },
        { apiGroups: [SUB], resources: ['expand-vm-spec'], verbs: ['update'] },
        ...objectRules(readVerbs),
        ...migrationsRead,
        kubevirtsRead,
      ],
      { labels: labels('aggregate-to-view') },
    ),
    clusterRole('kubevirt.io:migrate', [
      { apiGroups: [SUB], resources: ['virtualmachines/migrate'], verbs: ['update'] },
      {
        apiGroups: ['kubevirt.io'],
        resources: ['virtualmachineinstancemigrations'],
        verbs: allVerbs,
      },
    ]),
    clusterRole('kubevirt.io:default', [
      { apiGroups: [SUB], resources: ['version', 'guestfs'], verbs: ['get', 'list'] },
      kubevirtsRead,
    ]),
    clusterRole('instancetype.kubevirt.io:view', [
      {
        apiGroups: ['instancetype.kubevirt.io'],
        resources: ['virtualmachineclusterinstancetypes', 'virtualmachineclusterpreferences'],
        verbs: readVerbs,
      },
    ]),
    clusterRoleBinding('kubevirt.io:default', 'kubevirt.io:default', [
      'Group:system:authenticated',
      'Group:system:unauthenticated',
    ]),
    clusterRoleBinding('instancetype.kubevirt.io:view', 'instancetype.kubevirt.io:view', [
      'Group:system:authenticated',
    ]),
  ]
}
