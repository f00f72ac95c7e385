import { labelSelectorMatcher, type LabelSelectorObject } from '../../apiserver/label-selector.ts'
import type { ObjectStore } from '../../apiserver/object-store.ts'
import type { Registry } from '../../apiserver/registry.ts'
import type { KObject } from '../../apiserver/types.ts'
import type { PolicyRule } from './policy-rule.ts'
import { RBAC_GROUP } from './rbac-authorizer.ts'

/**
 * kube-controller-manager's ClusterRole aggregation controller
 * (`pkg/controller/clusterroleaggregation`): a ClusterRole with an `aggregationRule` gets as its
 * `rules` the union of the rules of every ClusterRole its selectors match, in name order, without
 * duplicates. Runs whenever a ClusterRole changes. Returns a stop function.
 */
export function startClusterRoleAggregation(registry: Registry, store: ObjectStore): () => void {
  const def = registry.find(RBAC_GROUP, 'v1', 'clusterroles')
  if (!def) throw new Error('ClusterRole aggregation needs clusterroles in the registry')
  let scheduled = false
  const reconcile = () => {
    scheduled = false
    const roles = store.list(def).items
    for (const role of roles) {
      const rule = role.aggregationRule as
        { clusterRoleSelectors?: LabelSelectorObject[] } | undefined
      if (!rule?.clusterRoleSelectors) continue
      const rules = aggregate(role, roles, rule.clusterRoleSelectors)
      if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) continue
      store.update(def, { ...role, rules })
    }
  }
  // Writes from inside a store listener would re-enter it: reconcile once per burst of changes.
  const schedule = () => {
    if (scheduled) return
    scheduled = true
    queueMicrotask(reconcile)
  }
  reconcile()
  return store.watch(def, store.revision, schedule)
}

function aggregate(
  target: KObject,
  roles: KObject[],
  selectors: LabelSelectorObject[],
): PolicyRule[] {
  const rules: PolicyRule[] = []
  const seen = new Set<string>()
  for (const selector of selectors) {
    const matches = labelSelectorMatcher(selector)
    for (const role of roles) {
      if (role.metadata.name === target.metadata.name || !matches(role.metadata.labels)) continue
      for (const rule of (role.rules as PolicyRule[] | undefined) ?? []) {
        const key = JSON.stringify(rule)
        if (seen.has(key)) continue
        seen.add(key)
        rules.push(rule)
      }
    }
  }
  return rules
}
