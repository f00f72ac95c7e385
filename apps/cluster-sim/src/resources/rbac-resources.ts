import type { PrinterColumn, ResourceDef } from '../apiserver/registry.ts'

const rbac = (def: Omit<ResourceDef, 'group' | 'version' | 'crd'>): ResourceDef => ({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  crd: false,
  ...def,
})

// kube-apiserver's printers: roles show their creation time, bindings their role and age.
const createdAt: PrinterColumn = {
  name: 'Created At',
  type: 'string',
  jsonPath: '.metadata.creationTimestamp',
}
const bindingColumns: PrinterColumn[] = [
  {
    name: 'Role',
    type: 'string',
    jsonPath: '.roleRef',
    value: (o) => {
      const ref = (o.roleRef ?? {}) as { kind?: string; name?: string }
      return `${ref.kind ?? ''}/${ref.name ?? ''}`
    },
  },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
]

const review = (plural: string, kind: string, namespaced = false): ResourceDef => ({
  group: 'authorization.k8s.io',
  version: 'v1',
  plural,
  singular: plural.replace(/s$/, ''),
  kind,
  namespaced,
  verbs: ['create'],
  crd: false,
})

/** rbac.authorization.k8s.io/v1 and authorization.k8s.io/v1 as kube-apiserver v1.32 serves them. */
export const rbacResources: ResourceDef[] = [
  rbac({
    plural: 'clusterroles',
    singular: 'clusterrole',
    kind: 'ClusterRole',
    namespaced: false,
    printerColumns: [createdAt],
  }),
  rbac({
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    printerColumns: bindingColumns,
  }),
  rbac({
    plural: 'roles',
    singular: 'role',
    kind: 'Role',
    namespaced: true,
    printerColumns: [createdAt],
  }),
  rbac({
    plural: 'rolebindings',
    singular: 'rolebinding',
    kind: 'RoleBinding',
    namespaced: true,
    printerColumns: bindingColumns,
  }),
  review('localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
  review('selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
  review('selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
  review('subjectaccessreviews', 'SubjectAccessReview'),
]
