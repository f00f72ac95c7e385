import {
  folderOf,
  inFolder,
  pausedForMs,
  printableStatuses,
  statusesNamed,
  wildcard,
  type SearchTerm,
} from '@vmdeck/shared'
import { rowMatches, type VmRow } from '../kube/vm-list/vm-row.ts'

/**
 * A parsed search, ready to run over the index: what the index answers itself (statuses, one
 * namespace, one node: the fast paths of `queryVms`) taken out, and a test for the rest.
 */
export interface VmSearchFilter {
  /** Statuses every term allows (undefined: any). */
  statuses?: ReadonlySet<string>
  /** One exact namespace or node a positive term names, when the request names none itself. */
  namespace?: string
  node?: string
  /** The remaining terms; undefined when none remain. */
  test?: (row: VmRow) => boolean
}

/**
 * Compiles terms (all of which must hold) to a filter. `lift` says which of namespace and node
 * the request leaves free, so a term naming one can use the index's per-namespace and per-node
 * counts. `now` dates `paused:` terms; with `memoize`, each free-text term tests each distinct
 * shared text once.
 */
export function compileVmSearch(
  terms: readonly SearchTerm[],
  options: { lift: { namespace: boolean; node: boolean }; now: number; memoize: boolean },
): VmSearchFilter {
  const filter: VmSearchFilter = {}
  const tests: ((row: VmRow) => boolean)[] = []
  let statuses: Set<string> | undefined
  for (const term of terms) {
    if (term.key === 'status') {
      const named = new Set(term.value.split(',').flatMap((v) => statusesNamed(v) ?? []))
      const allowed = term.negated ? printableStatuses.filter((s) => !named.has(s)) : [...named]
      statuses = new Set(statuses ? allowed.filter((s) => statuses?.has(s)) : allowed)
      continue
    }
    const exact = !term.negated && !/[*?,]/.test(term.value)
    if ((term.key === 'namespace' || term.key === 'node') && exact && options.lift[term.key]) {
      const lifted = filter[term.key]
      // A second, different name leaves nothing to match.
      if (lifted === undefined || lifted === term.value) filter[term.key] = term.value
      else tests.push(() => false)
      continue
    }
    const test = termTest(term, options.now, options.memoize ? new Map() : undefined)
    tests.push(term.negated ? (row) => !test(row) : test)
  }
  if (statuses) filter.statuses = statuses
  if (tests.length === 1) filter.test = tests[0]
  else if (tests.length > 1) filter.test = (row) => tests.every((test) => test(row))
  return filter
}

function anyOf(value: string): (text: string | undefined) => boolean {
  const patterns = value.split(',').map((v) => wildcard(v))
  return (text) => text !== undefined && patterns.some((p) => p.test(text))
}

function termTest(
  term: SearchTerm,
  now: number,
  memo: Map<string, boolean> | undefined,
): (row: VmRow) => boolean {
  const { value } = term
  switch (term.key) {
    case undefined:
      return (row) => rowMatches(row, value, memo)
    case 'namespace': {
      const match = anyOf(value)
      return (row) => match(row.namespace)
    }
    case 'node': {
      const match = anyOf(value)
      return (row) => match(row.node)
    }
    case 'name': {
      const match = anyOf(value)
      return (row) => match(row.vm.name)
    }
    case 'os': {
      const lower = value.toLowerCase()
      return (row) => row.vm.os?.toLowerCase().includes(lower) ?? false
    }
    case 'label': {
      const eq = value.indexOf('=')
      const key = eq < 0 ? value : value.slice(0, eq)
      if (eq < 0) return (row) => Object.hasOwn(row.vm.labels, key)
      const match = anyOf(value.slice(eq + 1))
      return (row) => Object.hasOwn(row.vm.labels, key) && match(row.vm.labels[key])
    }
    case 'folder':
      return (row) => inFolder(folderOf(row.vm.labels), value)
    case 'paused': {
      const since = now - (pausedForMs(value) ?? 0)
      return (row) => {
        const at = row.vm.flags.pausedSince
        return row.vm.flags.paused && at !== undefined && Date.parse(at) < since
      }
    }
    case 'status':
      throw new Error('status terms are compiled to a status set')
  }
}
