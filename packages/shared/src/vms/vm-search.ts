import { VmPrintableStatus } from '../schemas/vms.ts'
import { folderPathProblem } from './vm-folders.ts'

/**
 * The VM list's search language: terms separated by spaces, all of which must hold.
 * - `node:node-2`, `namespace:prod` (or `ns:`), `name:web-*`: the value, or one of several
 *   separated by commas, matched whole and as typed (Kubernetes names are case-sensitive); `*`
 *   and `?` are wildcards.
 * - `status:running`: KubeVirt's printable statuses in any case, and the groups `error` and
 *   `transition`; several separated by commas.
 * - `os:debian`: the guest OS name contains the text (case-insensitive).
 * - `label:tier=web` (the value may hold wildcards) or `label:tier` (has the label), as typed.
 * - `folder:prod/web`: in that folder or one of its subfolders.
 * - `paused:>1d`: paused for longer than that (`m`, `h` or `d`).
 * - A leading `-` negates a `key:value` term. Values with spaces go in double quotes.
 * - Anything else is free text, matched as before: contained in the name, namespace, an IP
 *   address, the guest OS or a `key=value` label. A plain word keeps its leading `-`.
 * A query with a bad term is not applied at all: the error names the term's character range.
 */
export const searchKeys = [
  'status',
  'node',
  'namespace',
  'name',
  'os',
  'label',
  'folder',
  'paused',
] as const
export type SearchKey = (typeof searchKeys)[number]

const aliases: Record<string, SearchKey> = { ns: 'namespace' }

export interface SearchTerm {
  /** Undefined for free text. */
  key?: SearchKey
  /** The value as typed, quotes removed; free text lowercased. */
  value: string
  negated: boolean
  /** Character range of the whole term in the query: [from, to). */
  from: number
  to: number
}

export interface SearchError {
  message: string
  from: number
  to: number
}

export type ParsedSearch =
  { ok: true; terms: SearchTerm[] } | { ok: false; error: SearchError; terms: SearchTerm[] }

/** Status groups the language names, as the list's status facets group them. */
export const statusGroups: Record<string, readonly VmPrintableStatus[]> = {
  error: [
    'CrashLoopBackOff',
    'ErrImagePull',
    'ImagePullBackOff',
    'ErrorUnschedulable',
    'ErrorPvcNotFound',
    'ErrorDataVolumeNotFound',
    'DataVolumeError',
    'Unknown',
  ],
  transition: [
    'Provisioning',
    'Starting',
    'Stopping',
    'Terminating',
    'WaitingForVolumeBinding',
    'WaitingForReceiver',
  ],
}

export const printableStatuses: readonly VmPrintableStatus[] = VmPrintableStatus.anyOf.map(
  (literal) => literal.const,
)
const statusByLower = new Map(printableStatuses.map((s) => [s.toLowerCase(), s]))

/** The statuses one `status:` value names (a status or a group), or undefined if none. */
export function statusesNamed(value: string): readonly VmPrintableStatus[] | undefined {
  const lower = value.toLowerCase()
  const status = statusByLower.get(lower)
  return status ? [status] : statusGroups[lower]
}

const DURATION = /^>(\d{1,6})([mhd])$/
const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** Milliseconds of a `paused:` value such as `>1d`, or undefined if it is not one. */
export function pausedForMs(value: string): number | undefined {
  const match = DURATION.exec(value)
  if (!match) return undefined
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs]
}

export function parseVmSearch(text: string): ParsedSearch {
  const terms: SearchTerm[] = []
  let at = 0
  while (at < text.length) {
    if (/\s/.test(text[at] ?? '')) {
      at++
      continue
    }
    const read = readTerm(text, at)
    if ('message' in read) return { ok: false, error: read, terms }
    const problem = checkTerm(read)
    if (problem)
      return { ok: false, error: { message: problem, from: read.from, to: read.to }, terms }
    terms.push(read)
    at = read.to
  }
  return { ok: true, terms }
}

/** One term starting at `from`: `[-]key:value`, `[-]key:"value"`, `"free text"` or a word. */
function readTerm(text: string, from: number): SearchTerm | SearchError {
  const head = /^(-?)([A-Za-z]+):/.exec(text.slice(from))
  if (head) {
    const name = (head[2] ?? '').toLowerCase()
    const key = (searchKeys as readonly string[]).includes(name)
      ? (name as SearchKey)
      : aliases[name]
    const valueAt = from + head[0].length
    const value = readValue(text, valueAt)
    if ('message' in value) return value
    if (!key)
      return {
        message: `Unknown key "${head[2]}:"; the keys are ${searchKeys.map((k) => `${k}:`).join(' ')}`,
        from,
        to: value.to,
      }
    return { key, value: value.value, negated: head[1] === '-', from, to: value.to }
  }
  const value = readValue(text, from)
  if ('message' in value) return value
  return { value: value.value.toLowerCase(), negated: false, from, to: value.to }
}

function readValue(text: string, from: number): { value: string; to: number } | SearchError {
  if (text[from] === '"') {
    const end = text.indexOf('"', from + 1)
    if (end < 0) return { message: 'The closing " is missing', from, to: text.length }
    return { value: text.slice(from + 1, end), to: end + 1 }
  }
  let to = from
  while (to < text.length && !/\s/.test(text[to] ?? '')) to++
  return { value: text.slice(from, to), to }
}

/** What is wrong with a term's value, if anything. */
function checkTerm(term: SearchTerm): string | undefined {
  const { key, value } = term
  if (!key) return undefined
  if (!value) return `"${key}:" needs a value`
  switch (key) {
    case 'status': {
      const unknown = value.split(',').find((v) => !statusesNamed(v))
      return unknown === undefined
        ? undefined
        : `Unknown status "${unknown}"; use a VM status (Running, Stopped, Paused, …) or error, transition`
    }
    case 'label': {
      const [name] = value.split('=', 1)
      return name ? undefined : '"label:" needs a label key, as in label:tier=web'
    }
    case 'folder':
      return folderPathProblem(value)
    case 'paused':
      return pausedForMs(value) === undefined
        ? '"paused:" takes a duration such as >1d, >12h or >30m'
        : undefined
    default:
      return value.split(',').some((v) => !v) ? `"${key}:" has an empty value` : undefined
  }
}

/** A wildcard pattern (`*`, `?`) as a whole-value regular expression. */
export function wildcard(pattern: string, caseSensitive = true): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${source}$`, caseSensitive ? 's' : 'is')
}
