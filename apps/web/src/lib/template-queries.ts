import { queryOptions } from '@tanstack/react-query'
import type { TemplateList, TemplateSummary } from '@vmdeck/shared'
import { api } from './api-client.ts'
import { clusterPath } from './api-paths.ts'

/** The template catalog: the Templates page and the create wizard's template source read it. */
export const templateQueries = {
  all: (cluster: string) => ['templates', cluster] as const,
  list: (cluster: string) =>
    queryOptions({
      queryKey: templateQueries.all(cluster),
      queryFn: ({ signal }) =>
        api.get<TemplateList>(`${clusterPath(cluster)}/templates`, { signal }),
    }),
}

/** Templates grouped by category, categories in order. */
export const byCategory = (items: TemplateSummary[]) => {
  const groups = new Map<string, TemplateSummary[]>()
  for (const item of items) groups.set(item.category, [...(groups.get(item.category) ?? []), item])
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))
}

export const templateKey = (t: { namespace: string; name: string }) => `${t.namespace}/${t.name}`
