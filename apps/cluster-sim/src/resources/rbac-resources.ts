import { resource, type ResourceDef } from '../kube/registry.ts'

const rbac = 'rbac.authorization.k8s.io/v1'

/** rbac.authorization.k8s.io/v1: the roles and bindings the simulator applies and tests read. */
export const rbacResources: ResourceDef[] = [
  resource(rbac, 'ClusterRole', 'clusterroles', 'Cluster'),
  resource(rbac, 'ClusterRoleBinding', 'clusterrolebindings', 'Cluster'),
  resource(rbac, 'Role', 'roles', 'Namespaced'),
  resource(rbac, 'RoleBinding', 'rolebindings', 'Namespaced'),
]
