import { vmKey, type VmSummary } from '@vmdeck/shared'
import { SortedRows } from './sorted-rows.ts'
import { compareRows, sortKeys, toVmRow, type SortKey, type VmRow } from './vm-row.ts'

type StatusCounts = Map<string, number>

/**
 * The VM list's indexes, kept up to date change by change so a page of 100,000 VMs needs no scan
 * and no sort: every row in each sort order, and per-status counts per namespace and per
 * node and namespace (the facets, when no free-text search applies).
 */
export class VmIndex {
  readonly #rows = new Map<string, VmRow>()
  readonly #orders = new Map<SortKey, SortedRows<VmRow>>(
    sortKeys.map((key) => [key, new SortedRows(compareRows(key))]),
  )
  readonly #byNamespace = new Map<string, StatusCounts>()
  readonly #byNodeNamespace = new Map<string, Map<string, StatusCounts>>()
  /** Each distinct shared search text once, with the number of rows using it. */
  readonly #shared = new Map<string, { text: string; rows: number }>()

  get size(): number {
    return this.#rows.size
  }

  get(namespace: string, name: string): VmSummary | undefined {
    return this.#rows.get(vmKey({ namespace, name }))?.vm
  }

  /** Every row, in no particular order (the cheapest walk). */
  rows(): Iterable<VmRow> {
    return this.#rows.values()
  }

  *values(): Generator<VmSummary> {
    for (const row of this.#rows.values()) yield row.vm
  }

  /** Namespaces holding at least one VM. */
  namespaces(): Iterable<string> {
    return this.#byNamespace.keys()
  }

  /** Distinct shared search texts (few in a fleet labelled by role, many if labels are unique). */
  get sharedTexts(): number {
    return this.#shared.size
  }

  /** Rows in one sort order. */
  order(key: SortKey): SortedRows<VmRow> {
    const order = this.#orders.get(key)
    if (!order) throw new Error(`no order by ${key}`)
    return order
  }

  /** VMs per status in a namespace (undefined: none there), optionally on one node only. */
  statusCounts(namespace: string, node?: string): ReadonlyMap<string, number> | undefined {
    if (node === undefined) return this.#byNamespace.get(namespace)
    return this.#byNodeNamespace.get(node)?.get(namespace)
  }

  /** Namespaces with VMs on a node. */
  namespacesOn(node: string): Iterable<string> {
    return this.#byNodeNamespace.get(node)?.keys() ?? []
  }

  upsert(vm: VmSummary): void {
    const key = vmKey(vm)
    const previous = this.#rows.get(key)
    const row = toVmRow(vm, (text) => this.#intern(text))
    this.#rows.set(key, row)
    if (previous) this.#release(previous.shared)
    for (const [sortKey, order] of this.#orders) {
      // An unchanged sort value keeps the row's place: replace it there, no move.
      if (previous && previous.vm[sortKey] === vm[sortKey]) order.replace(row)
      else {
        if (previous) order.remove(previous)
        order.insert(row)
      }
    }
    if (previous) this.#count(previous.vm, -1)
    this.#count(vm, 1)
  }

  delete(namespace: string, name: string): VmSummary | undefined {
    const key = vmKey({ namespace, name })
    const previous = this.#rows.get(key)
    if (!previous) return undefined
    this.#rows.delete(key)
    this.#release(previous.shared)
    for (const order of this.#orders.values()) order.remove(previous)
    this.#count(previous.vm, -1)
    return previous.vm
  }

  #intern(text: string): string {
    const entry = this.#shared.get(text)
    if (entry) {
      entry.rows++
      return entry.text
    }
    this.#shared.set(text, { text, rows: 1 })
    return text
  }

  #release(text: string): void {
    const entry = this.#shared.get(text)
    if (entry && --entry.rows === 0) this.#shared.delete(text)
  }

  #count(vm: VmSummary, delta: number): void {
    add(this.#byNamespace, vm.namespace, vm.status, delta)
    if (vm.node === undefined) return
    let perNode = this.#byNodeNamespace.get(vm.node)
    if (!perNode) this.#byNodeNamespace.set(vm.node, (perNode = new Map<string, StatusCounts>()))
    add(perNode, vm.namespace, vm.status, delta)
    if (perNode.size === 0) this.#byNodeNamespace.delete(vm.node)
  }
}

function add(counts: Map<string, StatusCounts>, key: string, status: string, delta: number): void {
  let perStatus = counts.get(key)
  if (!perStatus) counts.set(key, (perStatus = new Map<string, number>()))
  const next = (perStatus.get(status) ?? 0) + delta
  if (next > 0) perStatus.set(status, next)
  else perStatus.delete(status)
  if (perStatus.size === 0) counts.delete(key)
}
