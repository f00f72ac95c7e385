import type { Authorizer } from '../../apiserver/api-server.ts'
import type { ObjectStore } from '../../apiserver/object-store.ts'
import type { Registry } from '../../apiserver/registry.ts'
import type { UserInfo } from '../authenticator.ts'
import { startClusterRoleAggregation } from './aggregation.ts'
import type { AuthorizationAttributes, PolicyRule } from './policy-rule.ts'
import { RbacAuthorizer, type Decision } from './rbac-authorizer.ts'

export type { AuthorizationAttributes, Decision, PolicyRule }

/** RBAC as the simulator runs it: the authorizer plus kube-controller-manager's aggregation. */
export interface Rbac {
  /** The decision for one request; what KubeVirt's virt-api asks with a SubjectAccessReview. */
  authorize(user: UserInfo, attributes: AuthorizationAttributes): Decision
  rulesFor(user: UserInfo, namespace: string): PolicyRule[]
  /** The same decision in the shape of the API server's `Authorizer` seam. */
  authorizer: Authorizer
  close(): void
}

export function startRbac(registry: Registry, store: ObjectStore): Rbac {
  const stopAggregation = startClusterRoleAggregation(registry, store)
  const rbac = new RbacAuthorizer(registry, store)
  return {
    authorize: (user, attributes) => rbac.authorize(user, attributes),
    rulesFor: (user, namespace) => rbac.rulesFor(user, namespace),
    authorizer: ({ user, ...attributes }) => rbac.authorize(user, attributes).allowed,
    close() {
      stopAggregation()
      rbac.close()
    },
  }
}
