/** The most VMs one name pattern may name: one batch create stays a reviewable size. */
export const NAME_PATTERN_MAX = 500

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const RANGE = /\{(\d+)\.\.(\d+)\}/g

export type NamePatternResult = { ok: true; names: string[] } | { ok: false; error: string }

/**
 * Expands a VM name pattern such as `web-{01..20}` (zero padded to the wider bound when either
 * bound starts with 0, as a shell does) or `web-{1..5}`; a pattern without a range is one name.
 * Every name must be a DNS-1123 label (a VM's name is one): the first bad one is reported.
 */
export function expandNamePattern(pattern: string): NamePatternResult {
  const trimmed = pattern.trim()
  if (!trimmed) return { ok: false, error: 'Enter a name or a pattern such as web-{01..20}.' }
  const ranges = [...trimmed.matchAll(RANGE)]
  if (ranges.length > 1) return { ok: false, error: 'A pattern takes one {from..to} range.' }
  const rest = trimmed.replace(RANGE, '')
  if (/[{}]/.test(rest))
    return { ok: false, error: 'A range is written {from..to} with two numbers, e.g. {01..20}.' }
  let names: string[]
  const range = ranges[0]
  if (!range) names = [trimmed]
  else {
    const [whole, fromText = '', toText = ''] = range
    const from = Number(fromText)
    const to = Number(toText)
    if (to < from) return { ok: false, error: `The range {${fromText}..${toText}} must count up.` }
    const count = to - from + 1
    if (count > NAME_PATTERN_MAX)
      return {
        ok: false,
        error: `The pattern names ${count} VMs; at most ${NAME_PATTERN_MAX} at once.`,
      }
    const padded = /^0\d/.test(fromText) || /^0\d/.test(toText)
    const width = padded ? Math.max(fromText.length, toText.length) : 0
    const before = trimmed.slice(0, range.index)
    const after = trimmed.slice(range.index + whole.length)
    names = []
    for (let n = from; n <= to; n++)
      names.push(`${before}${String(n).padStart(width, '0')}${after}`)
  }
  const bad = names.find((name) => name.length > 63 || !DNS_LABEL.test(name))
  if (bad !== undefined)
    return {
      ok: false,
      error: `"${bad}" is not a valid VM name: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters.`,
    }
  return { ok: true, names }
}
