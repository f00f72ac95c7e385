import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import type { VmDetail, VmList, VmListQuery } from '@vmdeck/shared'
import { api } from './api-client.ts'
import { clusterPath, vmListPath } from './api-paths.ts'

export type VmRef = { namespace: string; name: string }

export const vmPath = (cluster: string, { namespace, name }: VmRef) =>
  `${clusterPath(cluster)}/namespaces/${encodeURIComponent(namespace)}/vms/${encodeURIComponent(name)}`

/**
 * VM lists and details: the cluster stream writes into these, and several features read them
 * (the VM pages, the consoles).
 */
export const vmQueries = {
  all: (cluster: string) => ['clusters', cluster, 'vms'] as const,
  lists: (cluster: string) => [...vmQueries.all(cluster), 'list'] as const,
  list: (cluster: string, query: VmListQuery) =>
    queryOptions({
      queryKey: [...vmQueries.lists(cluster), query],
      queryFn: ({ signal }) => api.get<VmList>(vmListPath(cluster, query), { signal }),
      // The event stream keeps lists fresh; no polling, except while the server is still
      // receiving its first list (the page fills in as it does).
      staleTime: Infinity,
      refetchInterval: (query) => (query.state.data?.loading ? 2_000 : false),
      placeholderData: keepPreviousData,
    }),
  details: (cluster: string) => [...vmQueries.all(cluster), 'detail'] as const,
  detail: (cluster: string, vm: VmRef) =>
    queryOptions({
      queryKey: [...vmQueries.details(cluster), vm.namespace, vm.name],
      queryFn: ({ signal }) => api.get<VmDetail>(vmPath(cluster, vm), { signal }),
      // The stream invalidates a detail when its VM changes; this is the safety net.
      staleTime: 30_000,
    }),
}
