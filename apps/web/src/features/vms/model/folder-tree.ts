import type { VmFolderList } from '@vmdeck/shared'
import { statusFacets } from './status-facets.ts'

/** A namespace (path '') or a folder in it, with its VMs and its subfolders' counted. */
export interface FolderNode {
  id: string
  namespace: string
  path: string
  name: string
  total: number
  /** VMs per status facet (running, stopped, …). */
  counts: Record<string, number>
  children: FolderNode[]
}

const facetOf = new Map(
  statusFacets.flatMap((facet) => facet.statuses.map((status) => [status, facet.id] as const)),
)

/** The tree of the side panel: namespaces, then nested folders, sorted by name. */
export function folderTree(list: VmFolderList): FolderNode[] {
  const nodes = new Map<string, FolderNode>()
  const roots: FolderNode[] = []
  const node = (namespace: string, path: string): FolderNode => {
    const id = `${namespace}/${path}`
    let found = nodes.get(id)
    if (found) return found
    const parts = path.split('/')
    found = {
      id,
      namespace,
      path,
      name: path ? (parts.at(-1) ?? path) : namespace,
      total: 0,
      counts: {},
      children: [],
    }
    nodes.set(id, found)
    if (!path) roots.push(found)
    else node(namespace, parts.slice(0, -1).join('/')).children.push(found)
    return found
  }
  for (const item of list.items) {
    const parts = item.path ? item.path.split('/') : []
    const chain = [node(item.namespace, '')]
    for (let i = 1; i <= parts.length; i++)
      chain.push(node(item.namespace, parts.slice(0, i).join('/')))
    for (const [status, count] of Object.entries(item.counts)) {
      const facet = facetOf.get(status as never) ?? 'error'
      for (const at of chain) {
        at.total += count
        at.counts[facet] = (at.counts[facet] ?? 0) + count
      }
    }
  }
  const sort = (list: FolderNode[]) => {
    list.sort((a, b) => a.name.localeCompare(b.name))
    for (const child of list) sort(child.children)
    return list
  }
  return sort(roots)
}

/** "3 running, 1 stopped": the breakdown of a node, in the facets' order. */
export const breakdown = (node: FolderNode): string =>
  statusFacets
    .filter((facet) => node.counts[facet.id])
    .map((facet) => `${node.counts[facet.id]} ${facet.label.toLowerCase()}`)
    .join(', ')

/** Folder paths of one namespace (or of all), for suggestions. */
export const folderPaths = (list: VmFolderList | undefined, namespace?: string): string[] =>
  [
    ...new Set(
      (list?.items ?? [])
        .filter((item) => item.path && (!namespace || item.namespace === namespace))
        .flatMap((item) =>
          item.path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')),
        ),
    ),
  ].sort()
