import { folderOf, parseVmSearch, type KnownValues, type VmSummary } from '@vmdeck/shared'
import { useState } from 'react'

const sorted = (values: Iterable<string | undefined>) =>
  [...new Set([...values].filter((v): v is string => Boolean(v)))].sort()

/** Values to suggest in the search box: what the rows at hand hold, plus the folder list's. */
export function knownValues(
  items: readonly VmSummary[],
  more: { namespaces?: readonly string[]; folders?: readonly string[] } = {},
): KnownValues {
  return {
    nodes: sorted(items.map((vm) => vm.node)),
    namespaces: sorted([...items.map((vm) => vm.namespace), ...(more.namespaces ?? [])]),
    os: sorted(items.map((vm) => vm.os)),
    folders: sorted([...items.map((vm) => folderOf(vm.labels)), ...(more.folders ?? [])]),
  }
}

/**
 * The search the list applies: the one typed while it reads, else the last that did (a query
 * with an error is applied not at all, not in part).
 */
export function useAppliedSearch(search: string): string {
  const [applied, setApplied] = useState(() => (parseVmSearch(search).ok ? search : ''))
  if (applied !== search && parseVmSearch(search).ok) setApplied(search)
  return parseVmSearch(search).ok ? search : applied
}
