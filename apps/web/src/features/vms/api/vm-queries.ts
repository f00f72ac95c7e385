import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import type { VmList, VmListQuery } from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'

const toSearch = (query: VmListQuery) => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value))
  return params.toString()
}

export const vmQueries = {
  all: (cluster: string) => ['clusters', cluster, 'vms'] as const,
  lists: (cluster: string) => [...vmQueries.all(cluster), 'list'] as const,
  list: (cluster: string, query: VmListQuery) =>
    queryOptions({
      queryKey: [...vmQueries.lists(cluster), query],
      queryFn: ({ signal }) =>
        api.get<VmList>(`/api/v1/clusters/${encodeURIComponent(cluster)}/vms?${toSearch(query)}`, {
          signal,
        }),
      // The event stream keeps lists fresh; no polling.
      staleTime: Infinity,
      placeholderData: keepPreviousData,
    }),
}
