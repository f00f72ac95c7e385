import { queryOptions, useMutation } from '@tanstack/react-query'
import type { MigrationAdvice, MigrationHistory, OperationAccepted } from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'
import { clusterPath } from '../../../lib/cluster-queries.ts'

const e = encodeURIComponent

/** The migration advisor and the per-node-pair history, from the BFF's insight routes. */
export const migrationInsightQueries = {
  advice: (cluster: string, namespace: string, name: string) =>
    queryOptions({
      queryKey: ['clusters', cluster, 'insight', 'migrations', namespace, name],
      queryFn: ({ signal }) =>
        api.get<MigrationAdvice>(
          `${clusterPath(cluster)}/insight/migrations/${e(namespace)}/${e(name)}`,
          { signal },
        ),
      // The rates move with every scrape.
      refetchInterval: 5_000,
    }),
  history: (cluster: string) =>
    queryOptions({
      queryKey: ['clusters', cluster, 'insight', 'migrations'],
      queryFn: ({ signal }) =>
        api.get<MigrationHistory>(`${clusterPath(cluster)}/insight/migrations`, { signal }),
      refetchInterval: 30_000,
    }),
}

/** The advisor's one action it takes for the user: pause the VM (their own rights apply). */
export function usePauseVm(cluster: string) {
  return useMutation({
    mutationFn: ({ namespace, vmName }: { namespace: string; vmName: string }) =>
      api.post<OperationAccepted>(
        `${clusterPath(cluster)}/namespaces/${e(namespace)}/vms/${e(vmName)}/pause`,
        {},
      ),
    meta: {
      success: ({ vmName }: { vmName: string }) => `Pausing ${vmName}`,
      error: ({ vmName }: { vmName: string }) => `Could not pause ${vmName}`,
    },
  })
}
