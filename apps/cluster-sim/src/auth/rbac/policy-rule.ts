// RBAC rule matching as `k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go` does it.

export interface PolicyRule {
  verbs: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

/** What is being asked: a resource request (group/resource set) or a non-resource URL (path set). */
export interface AuthorizationAttributes {
  verb: string
  group?: string
  version?: string
  resource?: string
  subresource?: string
  namespace?: string
  name?: string
  /** A non-resource request (`/version`, `/healthz`, `/apis`) when set. */
  path?: string
}

export const isResourceRequest = (attributes: AuthorizationAttributes): boolean =>
  attributes.path === undefined

const verbMatches = (rule: PolicyRule, verb: string) =>
  rule.verbs.includes('*') || rule.verbs.includes(verb)

const apiGroupMatches = (rule: PolicyRule, group: string) =>
  (rule.apiGroups ?? []).some((g) => g === '*' || g === group)

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource
  for (const ruleResource of rule.resources ?? []) {
    if (ruleResource === '*' || ruleResource === combined) return true
    // `*/scale` grants a subresource of every resource.
    if (subresource && ruleResource === `*/${subresource}`) return true
  }
  return false
}

const resourceNameMatches = (rule: PolicyRule, name: string) =>
  !rule.resourceNames?.length || rule.resourceNames.includes(name)

function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === '*' || url === path) return true
    if (url.endsWith('*') && path.startsWith(url.slice(0, -1))) return true
  }
  return false
}

export function ruleAllows(attributes: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (!isResourceRequest(attributes))
    return verbMatches(rule, attributes.verb) && nonResourceUrlMatches(rule, attributes.path ?? '')
  return (
    verbMatches(rule, attributes.verb) &&
    apiGroupMatches(rule, attributes.group ?? '') &&
    resourceMatches(rule, attributes.resource ?? '', attributes.subresource ?? '') &&
    resourceNameMatches(rule, attributes.name ?? '')
  )
}
