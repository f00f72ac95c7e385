import { useQueryClient } from '@tanstack/react-query'
import {
  applyTaskChange,
  applyVmChange,
  type MigrationChange,
  type NodeChange,
  type NodeList,
  type TaskChange,
  type TaskList,
  type VmChange,
  type VmList,
  type VmMigrationList,
} from '@vmdeck/shared'
import { useEffect, useState } from 'react'
import { clusterPath, clusterQueries } from './cluster-queries.ts'
import { coalescedRefetch } from './coalesced-refetch.ts'
import { vmQueries } from './vm-queries.ts'

const upsertBy = <T>(items: T[], item: T, same: (a: T) => boolean) => {
  const index = items.findIndex(same)
  if (index < 0) return [...items, item]
  const next = items.slice()
  next[index] = item
  return next
}

/**
 * One SSE stream per tab for a cluster; it writes into the query cache, never a second store.
 * Rows on screen update in place; changes a page cannot place itself refetch it, and open detail
 * pages of a changed VM refetch: coalesced, so a burst of changes costs one request and no request
 * in flight is aborted and sent again.
 */
export function useClusterStream(cluster: string): { live: boolean } {
  const queryClient = useQueryClient()
  const [live, setLive] = useState(false)
  useEffect(() => {
    const source = new EventSource(
      `${clusterPath(cluster)}/events/stream?topics=vms,nodes,migrations,tasks`,
    )
    const nodesKey = clusterQueries.nodes(cluster).queryKey
    const migrationsKey = clusterQueries.migrations(cluster).queryKey
    const refetchLists = coalescedRefetch(queryClient, 250)
    const refetchDetails = coalescedRefetch(queryClient)
    const refetchTasks = coalescedRefetch(queryClient, 200)
    const invalidateSoon = () => refetchLists.request(vmQueries.lists(cluster))
    const refreshDetail = (vm: { namespace: string; name: string }) =>
      refetchDetails.request(vmQueries.detail(cluster, vm).queryKey, { exact: true })
    source.onerror = () => setLive(false)
    source.addEventListener('sync', () => {
      setLive(true)
      void queryClient.invalidateQueries({ queryKey: vmQueries.all(cluster) })
      void queryClient.invalidateQueries({ queryKey: nodesKey })
      void queryClient.invalidateQueries({ queryKey: migrationsKey })
      void queryClient.invalidateQueries({ queryKey: ['tasks', cluster] })
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
      refreshDetail(change.type === 'upsert' ? change.vm : change)
    })
    source.addEventListener('nodes', (message: MessageEvent<string>) => {
      const change = JSON.parse(message.data) as NodeChange
      queryClient.setQueryData<NodeList>(nodesKey, (list) => {
        if (!list) return list
        if (change.type === 'delete')
          return { items: list.items.filter((node) => node.name !== change.name) }
        return { items: upsertBy(list.items, change.node, (n) => n.name === change.node.name) }
      })
    })
    // The task history's queries (features/tasks) all start with ['tasks', cluster]: a change
    // refetches the ones on screen, once per burst.
    source.addEventListener('tasks', (message: MessageEvent<string>) => {
      const change = JSON.parse(message.data) as TaskChange
      // Shown at once where it surely belongs (a running task appears running, however short):
      // in place on every page, first on unfiltered lists ({} filters); the refetch reconciles.
      for (const [key] of queryClient.getQueriesData<TaskList>({ queryKey: ['tasks', cluster] })) {
        const filters = key[3]
        const unfiltered =
          key[2] === 'list' &&
          typeof filters === 'object' &&
          filters !== null &&
          !Object.keys(filters).length
        queryClient.setQueryData<TaskList>(key, (list) =>
          list && Array.isArray(list.items) ? applyTaskChange(list, change, unfiltered) : list,
        )
      }
      refetchTasks.request(['tasks', cluster])
    })
    source.addEventListener('migrations', (message: MessageEvent<string>) => {
      const change = JSON.parse(message.data) as MigrationChange
      const same = (m: { namespace: string; name: string }) =>
        change.type === 'upsert'
          ? m.namespace === change.migration.namespace && m.name === change.migration.name
          : m.namespace === change.namespace && m.name === change.name
      queryClient.setQueryData<VmMigrationList>(migrationsKey, (list) => {
        if (!list) return list
        if (change.type === 'delete') return { items: list.items.filter((m) => !same(m)) }
        return { items: upsertBy(list.items, change.migration, same) }
      })
      if (change.type === 'upsert')
        refreshDetail({ namespace: change.migration.namespace, name: change.migration.vmName })
    })
    return () => {
      refetchLists.dispose()
      refetchDetails.dispose()
      refetchTasks.dispose()
      source.close()
    }
  }, [cluster, queryClient])
  return { live }
}
