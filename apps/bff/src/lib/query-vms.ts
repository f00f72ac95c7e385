import type { VmList, VmListQuery, VmSummary } from '@vmdeck/shared'

type SortKey = 'name' | 'namespace' | 'status' | 'node' | 'createdAt'

const compareBy = (key: SortKey) => (a: VmSummary, b: VmSummary) =>
  (a[key] ?? '').localeCompare(b[key] ?? '') ||
  a.namespace.localeCompare(b.namespace) ||
  a.name.localeCompare(b.name)

/**
 * Filters, sorts and pages VM summaries on the server, so a browser with 10,000 VMs receives one
 * page. The cursor is an opaque offset into the sorted result.
 */
export function queryVms(vms: Iterable<VmSummary>, query: VmListQuery): VmList {
  const statuses = query.status ? new Set(query.status.split(',').filter(Boolean)) : undefined
  const search = query.search?.trim().toLowerCase()
  const matches: VmSummary[] = []
  const counts: Record<string, number> = {}
  for (const vm of vms) {
    if (query.namespace && vm.namespace !== query.namespace) continue
    if (query.node && vm.node !== query.node) continue
    if (search && !matchesSearch(vm, search)) continue
    counts[vm.status] = (counts[vm.status] ?? 0) + 1
    if (statuses && !statuses.has(vm.status)) continue
    matches.push(vm)
  }
  const sort = query.sort ?? 'name'
  const descending = sort.startsWith('-')
  const compare = compareBy(sort.replace(/^-/, '') as SortKey)
  matches.sort(descending ? (a, b) => compare(b, a) : compare)
  const offset = query.cursor ? decodeCursor(query.cursor) : (query.offset ?? 0)
  const limit = query.limit ?? 100
  const items = matches.slice(offset, offset + limit)
  const next = offset + limit < matches.length ? encodeCursor(offset + limit) : undefined
  return { items, total: matches.length, ...(next ? { nextCursor: next } : {}), counts }
}

/** Free text over name, namespace, label keys and values, IP addresses and guest OS. */
function matchesSearch(vm: VmSummary, search: string): boolean {
  if (vm.name.toLowerCase().includes(search) || vm.namespace.toLowerCase().includes(search))
    return true
  if (vm.ips.some((ip) => ip.includes(search))) return true
  if (vm.os?.toLowerCase().includes(search)) return true
  for (const [key, value] of Object.entries(vm.labels)) {
    const pair = `${key}=${value}`.toLowerCase()
    if (pair.includes(search)) return true
  }
  return false
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
