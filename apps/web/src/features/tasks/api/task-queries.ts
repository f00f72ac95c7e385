import { queryOptions } from '@tanstack/react-query'
import type { TaskList, TaskListQuery } from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'
import { clusterPath } from '../../../lib/cluster-queries.ts'
import { vmPath, type VmRef } from '../../../lib/vm-queries.ts'

export type TaskFilters = Omit<TaskListQuery, 'limit' | 'continue'>

const search = (filters: TaskFilters & { limit?: number; format?: string }) => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters))
    if (value !== undefined && value !== '') params.set(key, String(value))
  const text = params.toString()
  return text ? `?${text}` : ''
}

/**
 * The task history's reads. Every key starts with `['tasks', cluster]`: the stream's `tasks`
 * topic refreshes them all (lib/use-cluster-stream.ts).
 */
export const taskQueries = {
  all: (cluster: string) => ['tasks', cluster] as const,
  list: (cluster: string, filters: TaskFilters, limit = 200) =>
    queryOptions({
      queryKey: [...taskQueries.all(cluster), 'list', filters, limit],
      queryFn: ({ signal }) =>
        api.get<TaskList>(`${clusterPath(cluster)}/tasks${search({ ...filters, limit })}`, {
          signal,
        }),
      placeholderData: (previous) => previous,
    }),
  vm: (cluster: string, vm: VmRef) =>
    queryOptions({
      queryKey: [...taskQueries.all(cluster), 'vm', vm.namespace, vm.name],
      queryFn: ({ signal }) => api.get<TaskList>(`${vmPath(cluster, vm)}/tasks`, { signal }),
    }),
}

/** A download of the filtered history (the browser sends the session cookie). */
export const exportUrl = (cluster: string, filters: TaskFilters, format: 'csv' | 'jsonl') =>
  `${clusterPath(cluster)}/tasks/export${search({ ...filters, format })}`
