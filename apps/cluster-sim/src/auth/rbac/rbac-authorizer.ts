import type { ObjectStore } from '../../apiserver/object-store.ts'
import type { Registry, ResourceDef } from '../../apiserver/registry.ts'
import type { KObject } from '../../apiserver/types.ts'
import type { UserInfo } from '../authenticator.ts'
import {
  isResourceRequest,
  ruleAllows,
  type AuthorizationAttributes,
  type PolicyRule,
} from './policy-rule.ts'

export interface Decision {
  allowed: boolean
  /** Why, in the RBAC authorizer's words (`RBAC: allowed by ClusterRoleBinding …`); empty on denial. */
  reason: string
}

interface Subject {
  kind: string
  name: string
  namespace?: string
}

interface Binding {
  kind: 'ClusterRoleBinding' | 'RoleBinding'
  name: string
  namespace?: string
  roleRef: { kind: string; name: string }
  subjects: Subject[]
}

interface Snapshot {
  clusterRoles: Map<string, PolicyRule[]>
  /** `namespace/name` → rules */
  roles: Map<string, PolicyRule[]>
  clusterRoleBindings: Binding[]
  roleBindings: Map<string, Binding[]>
}

export const RBAC_GROUP = 'rbac.authorization.k8s.io'

/**
 * Kubernetes' RBAC authorizer (`plugin/pkg/auth/authorizer/rbac`): a request is allowed when any
 * rule of a role bound to the user (by name, by group, or as a service account) allows it;
 * ClusterRoleBindings apply everywhere, RoleBindings in their namespace. There are no deny rules.
 * Roles and bindings are read from the store, cached until one of them changes.
 */
export class RbacAuthorizer {
  readonly #store: ObjectStore
  readonly #defs: Record<
    'roles' | 'clusterroles' | 'rolebindings' | 'clusterrolebindings',
    ResourceDef
  >
  #snapshot: Snapshot | undefined
  readonly #unwatch: (() => void)[] = []

  constructor(registry: Registry, store: ObjectStore) {
    this.#store = store
    const def = (plural: string) => {
      const found = registry.find(RBAC_GROUP, 'v1', plural)
      if (!found) throw new Error(`RBAC needs ${plural}.${RBAC_GROUP} in the registry`)
      return found
    }
    this.#defs = {
      roles: def('roles'),
      clusterroles: def('clusterroles'),
      rolebindings: def('rolebindings'),
      clusterrolebindings: def('clusterrolebindings'),
    }
    for (const d of Object.values(this.#defs)) {
      this.#unwatch.push(store.watch(d, store.revision, () => (this.#snapshot = undefined)))
    }
  }

  close(): void {
    for (const unwatch of this.#unwatch) unwatch()
  }

  authorize(user: UserInfo, attributes: AuthorizationAttributes): Decision {
    const snapshot = this.#current()
    const namespace = isResourceRequest(attributes) ? (attributes.namespace ?? '') : ''
    for (const { binding, rules } of this.#applicable(snapshot, user, namespace)) {
      if (rules.some((rule) => ruleAllows(attributes, rule))) {
        return { allowed: true, reason: `RBAC: allowed by ${describe(binding, user)}` }
      }
    }
    return { allowed: false, reason: '' }
  }

  /** Every rule that applies to the user in a namespace (`SelfSubjectRulesReview`). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    return [...this.#applicable(this.#current(), user, namespace)].flatMap(({ rules }) => rules)
  }

  *#applicable(
    snapshot: Snapshot,
    user: UserInfo,
    namespace: string,
  ): Generator<{ binding: Binding; rules: PolicyRule[] }> {
    for (const binding of snapshot.clusterRoleBindings) {
      if (binding.roleRef.kind !== 'ClusterRole') continue
      if (!binding.subjects.some((s) => appliesTo(s, user, ''))) continue
      yield { binding, rules: snapshot.clusterRoles.get(binding.roleRef.name) ?? [] }
    }
    if (!namespace) return
    for (const binding of snapshot.roleBindings.get(namespace) ?? []) {
      if (!binding.subjects.some((s) => appliesTo(s, user, namespace))) continue
      const rules =
        binding.roleRef.kind === 'ClusterRole'
          ? snapshot.clusterRoles.get(binding.roleRef.name)
          : snapshot.roles.get(`${namespace}/${binding.roleRef.name}`)
      yield { binding, rules: rules ?? [] }
    }
  }

  #current(): Snapshot {
    if (this.#snapshot) return this.#snapshot
    const list = (def: ResourceDef) => this.#store.list(def).items
    const snapshot: Snapshot = {
      clusterRoles: new Map(
        list(this.#defs.clusterroles).map((o) => [o.metadata.name ?? '', rulesOf(o)]),
      ),
      roles: new Map(
        list(this.#defs.roles).map((o) => [
          `${o.metadata.namespace}/${o.metadata.name}`,
          rulesOf(o),
        ]),
      ),
      clusterRoleBindings: list(this.#defs.clusterrolebindings).map((o) =>
        bindingOf(o, 'ClusterRoleBinding'),
      ),
      roleBindings: new Map(),
    }
    for (const object of list(this.#defs.rolebindings)) {
      const binding = bindingOf(object, 'RoleBinding')
      const namespace = binding.namespace ?? ''
      snapshot.roleBindings.set(namespace, [
        ...(snapshot.roleBindings.get(namespace) ?? []),
        binding,
      ])
    }
    this.#snapshot = snapshot
    return snapshot
  }
}

const rulesOf = (object: KObject): PolicyRule[] =>
  Array.isArray(object.rules) ? (object.rules as PolicyRule[]) : []

function bindingOf(object: KObject, kind: Binding['kind']): Binding {
  const roleRef = (object.roleRef ?? {}) as { kind?: string; name?: string }
  return {
    kind,
    name: object.metadata.name ?? '',
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    roleRef: { kind: roleRef.kind ?? '', name: roleRef.name ?? '' },
    subjects: Array.isArray(object.subjects) ? (object.subjects as Subject[]) : [],
  }
}

function appliesTo(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username
    case 'Group':
      return user.groups.includes(subject.name)
    case 'ServiceAccount':
      return (
        user.username ===
        `system:serviceaccount:${subject.namespace || bindingNamespace}:${subject.name}`
      )
    default:
      return false
  }
}

/** The binding part of RBAC's reason text (`rbac.go` `authorizingVisitor`). */
function describe(binding: Binding, user: UserInfo): string {
  const subject = binding.subjects.find((s) => appliesTo(s, user, binding.namespace ?? ''))
  const who = subject
    ? subject.kind === 'ServiceAccount'
      ? `ServiceAccount "${subject.name}/${subject.namespace || binding.namespace}"`
      : `${subject.kind} "${subject.name}"`
    : ''
  const where =
    binding.kind === 'RoleBinding'
      ? `RoleBinding "${binding.name}/${binding.namespace}"`
      : `ClusterRoleBinding "${binding.name}"`
  return `${where} of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${who}`
}
