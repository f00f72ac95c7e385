import { queryOptions } from '@tanstack/react-query'
import type { ClusterInfo, NodeList, VmMigrationList } from '@vmdeck/shared'
import { api } from './api-client.ts'
import { clusterPath } from './api-paths.ts'

export { clusterPath }

/** Cluster-level reads several features need (selectors, dialogs, pages). */
export const clusterQueries = {
  all: () => ['clusters'] as const,
  list: () =>
    queryOptions({
      queryKey: [...clusterQueries.all(), 'list'],
      queryFn: ({ signal }) => api.get<{ items: ClusterInfo[] }>('/api/v1/clusters', { signal }),
      staleTime: 30_000,
    }),
  /** Namespaces the user can see (for the selector and the create wizard). */
  namespaces: (cluster: string) =>
    queryOptions({
      queryKey: [...clusterQueries.all(), cluster, 'namespaces'],
      queryFn: ({ signal }) =>
        api.get<{ items: { name: string }[] }>(`${clusterPath(cluster)}/namespaces`, { signal }),
      staleTime: 60_000,
      retry: false,
    }),
  nodes: (cluster: string) =>
    queryOptions({
      queryKey: [...clusterQueries.all(), cluster, 'nodes'],
      queryFn: ({ signal }) => api.get<NodeList>(`${clusterPath(cluster)}/nodes`, { signal }),
      // The stream's `nodes` topic keeps this fresh.
      staleTime: Infinity,
    }),
  /** Active and recent migrations across the cluster (or one namespace). */
  migrations: (cluster: string) =>
    queryOptions({
      queryKey: [...clusterQueries.all(), cluster, 'migrations'],
      queryFn: ({ signal }) =>
        api.get<VmMigrationList>(`${clusterPath(cluster)}/migrations`, { signal }),
      // The stream's `migrations` topic keeps this fresh.
      staleTime: Infinity,
    }),
}
