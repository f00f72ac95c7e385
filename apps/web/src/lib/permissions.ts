import { useQueries } from '@tanstack/react-query'
import {
  formatPermissionCheck,
  vmActionPermission,
  type PermissionCheck,
  type PermissionResults,
  type VmUiAction,
} from '@vmdeck/shared'
import { api } from './api-client.ts'
import { clusterPath } from './cluster-queries.ts'

export type Decision = {
  allowed: boolean
  reason?: string
  /** No answer yet (or none to be had): `allowed` is the optimistic default. */
  pending?: boolean
}

const MAX_CHECKS = 50

/**
 * Batched access reviews (`GET …/permissions?checks=`). While the answer is pending, or if the
 * BFF cannot answer, actions stay enabled: the API server decides anyway and a 403 shows as
 * information.
 */
export function usePermissions(cluster: string, checks: PermissionCheck[]) {
  const texts = [...new Set(checks.map(formatPermissionCheck))].sort()
  // The BFF takes at most 50 checks a request; a page across many namespaces asks in batches.
  const batches: string[][] = []
  for (let i = 0; i < texts.length; i += MAX_CHECKS) batches.push(texts.slice(i, i + MAX_CHECKS))
  const answers = useQueries({
    queries: batches.map((batch) => ({
      queryKey: ['clusters', cluster, 'permissions', batch],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<PermissionResults>(
          `${clusterPath(cluster)}/permissions?checks=${encodeURIComponent(batch.join(','))}`,
          { signal },
        ),
      staleTime: 60_000,
      retry: false,
    })),
  })
  const results = new Map(
    answers.flatMap(
      (answer) => answer.data?.items.map((item) => [item.check, item] as const) ?? [],
    ),
  )
  return (check: PermissionCheck): Decision => {
    const result = results.get(formatPermissionCheck(check))
    if (!result) return { allowed: true, pending: true }
    return result.allowed
      ? { allowed: true }
      : { allowed: false, reason: result.reason || 'Your Kubernetes role does not allow this.' }
  }
}

/** Access decisions for VM actions in the given namespaces. */
export function useVmPermissions(
  cluster: string,
  namespaces: string[],
  actions: readonly VmUiAction[],
) {
  const unique = [...new Set(namespaces)]
  const can = usePermissions(
    cluster,
    unique.flatMap((namespace) => actions.map((action) => vmActionPermission(action, namespace))),
  )
  return (action: VmUiAction, namespace: string) => can(vmActionPermission(action, namespace))
}
