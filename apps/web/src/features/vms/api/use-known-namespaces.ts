import { useQuery, useQueryClient } from '@tanstack/react-query'
import type { VmList } from '@vmdeck/shared'
import { clusterQueries } from '../../../lib/cluster-queries.ts'
import { vmQueries } from '../../../lib/vm-queries.ts'

/**
 * Namespaces to suggest: those the BFF lists for the user, plus those of VMs already seen (so the
 * pickers are useful even where listing namespaces is not allowed). Any name can still be typed.
 */
export function useKnownNamespaces(cluster: string): string[] {
  const namespaces = useQuery(clusterQueries.namespaces(cluster))
  const queryClient = useQueryClient()
  const seen = queryClient
    .getQueriesData<VmList>({ queryKey: vmQueries.lists(cluster) })
    .flatMap(([, list]) => list?.items.map((vm) => vm.namespace) ?? [])
  return [...new Set([...(namespaces.data?.items.map((item) => item.name) ?? []), ...seen])].sort()
}
