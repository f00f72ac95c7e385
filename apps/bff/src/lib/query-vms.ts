import type { VmList, VmListQuery, VmSummary } from '@vmdeck/shared'
import type { Visibility } from '../kube/access.ts'
import type { VmIndex } from '../kube/vm-list/vm-index.ts'
import type { SortKey } from '../kube/vm-list/vm-row.ts'
import { searchVms } from './search-vms.ts'
import { vmListFilter } from './vm-list-filter.ts'

/**
 * Filters, sorts and pages VM summaries on the server, so a browser with 100,000 VMs receives one
 * page. Without search terms beyond status, one namespace and one node, the totals come from the
 * index's per-status counts and the page from its maintained order (no sort per request), walked
 * up to the page's last row; other terms test every row once (`searchVms`).
 * A search the language cannot read throws `InvalidSearchError` (see `vmListFilter`).
 * The cursor is an opaque offset into the sorted result.
 */
export function queryVms(
  index: VmIndex,
  query: VmListQuery,
  visibility: Visibility,
  now = Date.now(),
): VmList {
  const offset = query.cursor ? decodeCursor(query.cursor) : (query.offset ?? 0)
  const limit = query.limit ?? 100
  const sort = query.sort ?? 'name'
  const order = index.order(sort.replace(/^-/, '') as SortKey)
  const descending = sort.startsWith('-')
  const filter = vmListFilter(index, query, visibility, now)
  const { statuses, namespace, node, visible, counted } = filter
  const page = (total: number, counts: Record<string, number>, items: VmSummary[]): VmList => {
    const next = offset + limit < total ? encodeCursor(offset + limit) : undefined
    return { items, total, ...(next ? { nextCursor: next } : {}), counts }
  }

  if (filter.scan) {
    const found = searchVms(index.rows(), order, descending, counted, statuses, offset, limit)
    return page(found.total, found.counts, found.items)
  }

  const counts = facetCounts(index, visible, namespace, node)
  let total = 0
  for (const [status, count] of Object.entries(counts))
    if (!statuses || statuses.has(status)) total += count
  const items: VmSummary[] = []
  if (offset >= total) return page(total, counts, items)
  const filtered = Boolean(namespace || node || statuses || !visibility.all)
  // Unfiltered, the page starts `offset` rows in; filtered, matches are skipped up to it.
  let skip = filtered ? offset : 0
  for (const row of order.rows(descending, filtered ? 0 : offset)) {
    if (filtered && (!counted(row) || (statuses && !statuses.has(row.status)))) continue
    if (skip > 0) {
      skip--
      continue
    }
    items.push(row.vm)
    if (items.length >= limit) break
  }
  return page(total, counts, items)
}

/** VMs per status among the visible namespaces (one, if named), on one node if named. */
function facetCounts(
  index: VmIndex,
  visible: (namespace: string) => boolean,
  namespace: string | undefined,
  node: string | undefined,
): Record<string, number> {
  const counts: Record<string, number> = {}
  const namespaces = namespace ? [namespace] : node ? index.namespacesOn(node) : index.namespaces()
  for (const ns of namespaces) {
    if (!visible(ns)) continue
    for (const [status, count] of index.statusCounts(ns, node || undefined) ?? [])
      counts[status] = (counts[status] ?? 0) + count
  }
  return counts
}

const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url')

export class InvalidCursorError extends Error {}

function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString())
  if (!match)
    throw new InvalidCursorError('The cursor is not valid; start again from the first page.')
  return Number(match[1])
}
