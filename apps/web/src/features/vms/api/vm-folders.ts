import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query'
import type { MoveToFolderRequest, VmFolderList } from '@vmdeck/shared'
import { useEffect } from 'react'
import { api } from '../../../lib/api-client.ts'
import { clusterPath } from '../../../lib/api-paths.ts'
import { coalescedRefetch } from '../../../lib/coalesced-refetch.ts'
import { vmPath, vmQueries, type VmRef } from '../../../lib/vm-queries.ts'

export const folderQueries = {
  // Under the VM keys, so the stream's `sync` refetches it with them; not under the lists',
  // which the stream edits as VmList pages.
  counts: (cluster: string) =>
    queryOptions({
      queryKey: [...vmQueries.all(cluster), 'folders'],
      queryFn: ({ signal }) =>
        api.get<VmFolderList>(`${clusterPath(cluster)}/vms/folders`, { signal }),
      staleTime: Infinity,
    }),
}

/**
 * The folder counts, kept live from the event stream: every change the stream writes into a list
 * page refetches them, once per burst and at least once a second while changes keep coming (the
 * server counts 100,000 VMs in tens of milliseconds; bench/web-folders.ts).
 */
export function useLiveFolders(cluster: string) {
  const queryClient = useQueryClient()
  useEffect(() => {
    const refetch = coalescedRefetch(queryClient, 250, 1_000)
    const lists: readonly unknown[] = vmQueries.lists(cluster)
    const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'success') return
      const key = event.query.queryKey as readonly unknown[]
      if (!lists.every((part, i) => key[i] === part)) return
      refetch.request(folderQueries.counts(cluster).queryKey, { exact: true })
    })
    return () => {
      unsubscribe()
      refetch.dispose()
    }
  }, [cluster, queryClient])
  return useQuery(folderQueries.counts(cluster))
}

export const moveToFolder = (cluster: string, vm: VmRef, folder: string | null) =>
  api.patch<void>(`${vmPath(cluster, vm)}/folder`, { folder } satisfies MoveToFolderRequest)
