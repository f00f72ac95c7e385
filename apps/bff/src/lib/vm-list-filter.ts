import {
  folderPathProblem,
  parseVmSearch,
  type SearchError,
  type VmListQuery,
} from '@vmdeck/shared'
import type { Visibility } from '../kube/access.ts'
import type { VmIndex } from '../kube/vm-list/vm-index.ts'
import type { VmRow } from '../kube/vm-list/vm-row.ts'
import { compileVmSearch } from './vm-search-filter.ts'

const MEMO_LIMIT = 10_000

/** The list request's filters, shared by the list and the export. */
export interface VmListFilter {
  /** Statuses the request and the search allow (undefined: any). */
  statuses?: ReadonlySet<string>
  namespace?: string
  node?: string
  visible: (namespace: string) => boolean
  /** Namespace, node, visibility and the search's remaining terms: every filter but status. */
  counted: (row: VmRow) => boolean
  /** Whether search terms remain that only a scan of the rows answers. */
  scan: boolean
}

/** A list request no list can answer: a 400 with `code`. */
export class BadListQuery extends Error {
  readonly code: string
  constructor(message: string, code: string) {
    super(message)
    this.code = code
  }
}

/** A search the language cannot read: nothing of it is applied. */
export class InvalidSearchError extends BadListQuery {
  readonly error: SearchError
  constructor(error: SearchError) {
    super(
      `${error.message} (characters ${error.from + 1}–${error.to} of the search)`,
      'INVALID_SEARCH',
    )
    this.error = error
  }
}

export function vmListFilter(
  index: VmIndex,
  query: VmListQuery,
  visibility: Visibility,
  now: number,
): VmListFilter {
  const parsed = parseVmSearch(query.search ?? '')
  if (!parsed.ok) throw new InvalidSearchError(parsed.error)
  if (query.folder) {
    const problem = folderPathProblem(query.folder)
    if (problem) throw new BadListQuery(problem, 'INVALID_FOLDER')
  }
  // The folder chosen in the tree filters as a `folder:` term does.
  const terms = query.folder
    ? [
        ...parsed.terms,
        { key: 'folder' as const, value: query.folder, negated: false, from: 0, to: 0 },
      ]
    : parsed.terms
  const compiled = compileVmSearch(terms, {
    lift: { namespace: !query.namespace, node: !query.node },
    now,
    // Test each distinct shared text once, unless nearly every row has its own.
    memoize: index.sharedTexts <= MEMO_LIMIT,
  })
  const requested = query.status ? new Set(query.status.split(',').filter(Boolean)) : undefined
  const searched = compiled.statuses
  const statuses =
    requested && searched
      ? new Set([...requested].filter((s) => searched.has(s)))
      : (requested ?? searched)
  const namespace = query.namespace || compiled.namespace
  const node = query.node || compiled.node
  const visible = (ns: string) => visibility.all || visibility.namespaces.has(ns)
  const test = compiled.test
  const counted = (row: VmRow) =>
    (!namespace || row.namespace === namespace) &&
    (!node || row.node === node) &&
    visible(row.namespace) &&
    (!test || test(row))
  return {
    ...(statuses ? { statuses } : {}),
    ...(namespace ? { namespace } : {}),
    ...(node ? { node } : {}),
    visible,
    counted,
    scan: Boolean(test),
  }
}
