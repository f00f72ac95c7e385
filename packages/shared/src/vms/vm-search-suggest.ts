import { printableStatuses, searchKeys, statusGroups } from './vm-search.ts'

/** Values the list knows, offered after their key. */
export interface KnownValues {
  nodes?: readonly string[]
  namespaces?: readonly string[]
  folders?: readonly string[]
  os?: readonly string[]
}

export interface Suggestion {
  /** What the list shows. */
  label: string
  /** The query with the suggestion applied, and where the caret goes. */
  text: string
  caret: number
}

const MAX = 12

/**
 * Completions for the term the caret is in: a key while typing a word, a known value after
 * `key:` (the last of comma-separated values). Keys first, then values, matching by prefix.
 */
export function suggestVmSearch(text: string, caret: number, known: KnownValues): Suggestion[] {
  let from = caret
  while (from > 0 && !/\s/.test(text[from - 1] ?? '')) from--
  let to = caret
  while (to < text.length && !/\s/.test(text[to] ?? '')) to++
  const word = text.slice(from, caret)
  const replace = (start: number, value: string, label = value): Suggestion => {
    const next = text.slice(0, start) + value + text.slice(to)
    return { label, text: next, caret: start + value.length }
  }
  const colon = word.indexOf(':')
  if (colon < 0) {
    const negated = word.startsWith('-') ? 1 : 0
    const typed = word.slice(negated).toLowerCase()
    return searchKeys
      .filter((key) => key.startsWith(typed) && key !== typed)
      .map((key) => replace(from + negated, `${key}:`))
  }
  const key = word.slice(word.startsWith('-') ? 1 : 0, colon).toLowerCase()
  const valueAt = from + colon + 1
  const lastComma = word.lastIndexOf(',')
  const start = lastComma > colon ? from + lastComma + 1 : valueAt
  const typed = text.slice(start, caret).toLowerCase()
  return valuesFor(key, known)
    .filter((value) => value.toLowerCase().startsWith(typed) && value.toLowerCase() !== typed)
    .slice(0, MAX)
    .map((value) => replace(start, /\s/.test(value) ? `"${value}"` : value, `${key}:${value}`))
}

function valuesFor(key: string, known: KnownValues): readonly string[] {
  switch (key) {
    case 'status':
      return [...printableStatuses.map((s) => s.toLowerCase()), ...Object.keys(statusGroups)]
    case 'node':
      return known.nodes ?? []
    case 'namespace':
    case 'ns':
      return known.namespaces ?? []
    case 'folder':
      return known.folders ?? []
    case 'os':
      return known.os ?? []
    case 'paused':
      return ['>1h', '>1d', '>7d']
    default:
      return []
  }
}
