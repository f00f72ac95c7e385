import type { KObject } from '../kube/types.ts'

/** One rule of a (Cluster)Role, as rbac.authorization.k8s.io/v1 writes it. */
export interface PolicyRule {
  verbs: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

const apiVersion = 'rbac.authorization.k8s.io/v1'

export function clusterRole(
  name: string,
  rules: PolicyRule[],
  extra: { labels?: Record<string, string> } = {},
): KObject {
  return {
    apiVersion,
    kind: 'ClusterRole',
    metadata: {
      name,
      ...(extra.labels ? { labels: extra.labels } : {}),
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    rules,
  }
}

export type SubjectRef = `User:${string}` | `Group:${string}`

export function clusterRoleBinding(name: string, role: string, subjects: SubjectRef[]): KObject {
  return {
    apiVersion,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: subjects.map((ref) => {
      const [kind, ...rest] = ref.split(':')
      return { apiGroup: 'rbac.authorization.k8s.io', kind, name: rest.join(':') }
    }),
  }
}

export const readVerbs = ['get', 'list', 'watch']
export const allVerbs = [
  'get',
  'delete',
  'create',
  'update',
  'patch',
  'list',
  'watch',
  'deletecollection',
]
