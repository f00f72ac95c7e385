import type { VmSummary } from '@vmdeck/shared'
import type { SortedRows } from '../kube/vm-list/sorted-rows.ts'
import type { VmRow } from '../kube/vm-list/vm-row.ts'

/** Up to this many matches are sorted directly; more are picked out of the maintained order. */
const SORT_LIMIT = 1_000
let query = 0

/**
 * A page of the rows that pass `test` (free-text search and filters), in `order`, with the total
 * and per-status counts. The rows are tested in one pass in storage order (cheap: the sorted
 * orders visit memory all over the place); then a few matches are sorted, or many are marked and
 * the page is picked out of the sorted order, which stops at the page's last row.
 */
export function searchVms(
  rows: Iterable<VmRow>,
  order: SortedRows<VmRow>,
  descending: boolean,
  test: (row: VmRow) => boolean,
  statuses: ReadonlySet<string> | undefined,
  offset: number,
  limit: number,
): { items: VmSummary[]; total: number; counts: Record<string, number> } {
  const counts: Record<string, number> = {}
  const matched: VmRow[] = []
  for (const row of rows) {
    if (!test(row)) continue
    counts[row.status] = (counts[row.status] ?? 0) + 1
    if (!statuses || statuses.has(row.status)) matched.push(row)
  }
  const total = matched.length
  if (offset >= total) return { items: [], total, counts }
  if (total <= SORT_LIMIT) {
    const compare = order.compare
    matched.sort(descending ? (a, b) => compare(b, a) : compare)
    return { items: matched.slice(offset, offset + limit).map((r) => r.vm), total, counts }
  }
  const mark = ++query
  for (const row of matched) row.mark = mark
  const items: VmSummary[] = []
  let skip = offset
  for (const row of order.rows(descending)) {
    if (row.mark !== mark) continue
    if (skip > 0) {
      skip--
      continue
    }
    items.push(row.vm)
    if (items.length >= limit) break
  }
  return { items, total, counts }
}
