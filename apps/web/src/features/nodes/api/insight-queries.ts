import { queryOptions } from '@tanstack/react-query'
import type { CapacityReport, MaintenancePlan } from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'
import { clusterPath } from '../../../lib/cluster-queries.ts'

/** The BFF's what-if answers: computed on demand from the cluster as it is now, never cached long. */
export const insightQueries = {
  all: (cluster: string) => ['clusters', cluster, 'insight'] as const,
  maintenance: (cluster: string, nodes: readonly string[]) =>
    queryOptions({
      queryKey: [...insightQueries.all(cluster), 'maintenance', [...nodes].sort()],
      queryFn: ({ signal }) =>
        api.get<MaintenancePlan>(
          `${clusterPath(cluster)}/insight/maintenance?nodes=${nodes.map(encodeURIComponent).join(',')}`,
          { signal },
        ),
      staleTime: 0,
    }),
  capacity: (cluster: string) =>
    queryOptions({
      queryKey: [...insightQueries.all(cluster), 'capacity'],
      queryFn: ({ signal }) =>
        api.get<CapacityReport>(`${clusterPath(cluster)}/insight/capacity`, { signal }),
      staleTime: 0,
      refetchInterval: 30_000,
    }),
}
