import { useQueryClient } from '@tanstack/react-query'
import { applyVmChange, type StreamEvent, type VmList } from '@vmdeck/shared'
import { useEffect, useState } from 'react'
import { vmQueries } from './vm-queries.ts'

type VmChange = Extract<StreamEvent, { event: 'vms' }>['data']

/**
 * One SSE stream per tab for a cluster; it writes into the query cache, never a second store.
 * Rows on screen update in place; changes a page cannot place itself refetch it (debounced, so a
 * burst of changes costs one request).
 */
export function useClusterStream(cluster: string): { live: boolean } {
  const queryClient = useQueryClient()
  const [live, setLive] = useState(false)
  useEffect(() => {
    const source = new EventSource(
      `/api/v1/clusters/${encodeURIComponent(cluster)}/events/stream?topics=vms`,
    )
    let refetch: ReturnType<typeof setTimeout> | undefined
    const invalidateSoon = () => {
      clearTimeout(refetch)
      refetch = setTimeout(
        () => void queryClient.invalidateQueries({ queryKey: vmQueries.lists(cluster) }),
        250,
      )
    }
    source.onerror = () => setLive(false)
    source.addEventListener('sync', () => {
      setLive(true)
      void queryClient.invalidateQueries({ queryKey: vmQueries.lists(cluster) })
    })
    source.addEventListener('vms', (message: MessageEvent<string>) => {
      const change = JSON.parse(message.data) as VmChange
      let stale = false
      queryClient.setQueriesData<VmList>({ queryKey: vmQueries.lists(cluster) }, (list) => {
        if (!list) return list
        const result = applyVmChange(list, change)
        stale ||= result.stale
        return result.list
      })
      if (stale) invalidateSoon()
    })
    return () => {
      clearTimeout(refetch)
      source.close()
    }
  }, [cluster, queryClient])
  return { live }
}
