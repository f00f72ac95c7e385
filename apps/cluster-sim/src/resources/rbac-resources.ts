import { resource, type ResourceDef } from '../kube/registry.ts'

const rbac = 'rbac.authorization.k8s.io/v1'
const review = (kind: string, scope: 'Namespaced' | 'Cluster' = 'Cluster') =>
  resource('authorization.k8s.io/v1', kind, `${kind.toLowerCase()}s`, scope, ['create'])

/** rbac.authorization.k8s.io/v1 and the authorization.k8s.io/v1 access reviews. */
export const rbacResources: ResourceDef[] = [
  resource(rbac, 'ClusterRole', 'clusterroles', 'Cluster'),
  resource(rbac, 'ClusterRoleBinding', 'clusterrolebindings', 'Cluster'),
  resource(rbac, 'Role', 'roles', 'Namespaced'),
  resource(rbac, 'RoleBinding', 'rolebindings', 'Namespaced'),
  review('LocalSubjectAccessReview', 'Namespaced'),
  review('SelfSubjectAccessReview'),
  review('SelfSubjectRulesReview'),
  review('SubjectAccessReview'),
]
