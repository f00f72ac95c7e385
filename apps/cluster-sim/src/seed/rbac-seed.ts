import type { SeedObject } from './seed-object.ts'
import { demoBindings } from './demo-bindings.ts'
import { kubernetesRoles } from './kubernetes-roles.ts'
import { kubevirtRoles } from './kubevirt-roles.ts'

/** RBAC every simulated cluster starts with: Kubernetes' bootstrap policy, KubeVirt's roles, the demo users' bindings. */
export function rbacSeed(): SeedObject[] {
  return [...kubernetesRoles(), ...kubevirtRoles(), ...demoBindings()].map((object) => ({
    group: 'rbac.authorization.k8s.io',
    plural: object.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings',
    object,
  }))
}
