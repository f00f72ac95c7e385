import type { VmSummary } from '@vmdeck/shared'

/** The columns the VM list sorts by. */
export const sortKeys = ['name', 'namespace', 'status', 'node', 'createdAt'] as const
export type SortKey = (typeof sortKeys)[number]

/** One VM as the list indexes hold it: its row, plus what a free-text search reads, prepared once. */
export interface VmRow {
  readonly vm: VmSummary
  // The filtered columns, on the row itself: a scan of 100,000 rows reads one object per row.
  readonly namespace: string
  readonly status: string
  readonly node: string | undefined
  /** Scratch for one query at a time (queries run to the end synchronously): "matched". */
  mark: number
  /**
   * The searched fields of this VM alone: name and IP addresses (matched as they are). Fields
   * are joined by NUL: no field holds one, so a search without NUL matches the joined text
   * exactly when it matches one of the fields.
   */
  readonly own: string
  /**
   * The searched fields many VMs have in common: namespace, guest OS, `key=value` labels. Rows
   * with the same text share one string, and a search tests each distinct text once.
   */
  readonly shared: string
}

export function toVmRow(vm: VmSummary, intern: (text: string) => string = (t) => t): VmRow {
  const own = [vm.name.toLowerCase(), ...vm.ips].join('\0')
  const shared = [vm.namespace.toLowerCase()]
  if (vm.os) shared.push(vm.os.toLowerCase())
  for (const [key, value] of Object.entries(vm.labels)) shared.push(`${key}=${value}`.toLowerCase())
  return {
    vm,
    namespace: vm.namespace,
    status: vm.status,
    node: vm.node,
    mark: 0,
    own,
    shared: intern(shared.join('\0')),
  }
}

/**
 * Free text (already trimmed and lowercased) over name, namespace, IP addresses, guest OS and
 * `key=value` labels. With `memo`, each distinct shared text is tested once per search.
 */
export function rowMatches(row: VmRow, search: string, memo?: Map<string, boolean>): boolean {
  if (row.own.includes(search)) return !search.includes('\0')
  if (!memo) return !search.includes('\0') && row.shared.includes(search)
  let hit = memo.get(row.shared)
  if (hit === undefined)
    memo.set(row.shared, (hit = !search.includes('\0') && row.shared.includes(search)))
  return hit
}

// The list's order since the first version: `localeCompare` with the default locale, by the
// column, then namespace, then name (unique together, so the order is total). A Collator
// compares the same way at a fraction of the cost.
const collator = new Intl.Collator()
// Equal strings are the common case (statuses, nodes, namespaces): skip the collator for them.
const text = (a: string, b: string) => (a === b ? 0 : collator.compare(a, b))

export function compareRows(key: SortKey): (a: VmRow, b: VmRow) => number {
  return (a, b) =>
    text(a.vm[key] ?? '', b.vm[key] ?? '') ||
    text(a.vm.namespace, b.vm.namespace) ||
    text(a.vm.name, b.vm.name) ||
    codePoints(a.vm.namespace, b.vm.namespace) ||
    codePoints(a.vm.name, b.vm.name)
}

/** Breaks the ties a collator may leave between distinct strings, so the order stays total. */
const codePoints = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
