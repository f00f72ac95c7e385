import { describe, expect, it } from 'vitest'
import { expandNamePattern, NAME_PATTERN_MAX } from './name-pattern.ts'

const names = (pattern: string) => {
  const result = expandNamePattern(pattern)
  if (!result.ok) throw new Error(result.error)
  return result.names
}
const error = (pattern: string) => {
  const result = expandNamePattern(pattern)
  if (result.ok) throw new Error(`expected an error for ${pattern}`)
  return result.error
}

describe('expandNamePattern', () => {
  it('expands a range without padding', () => {
    expect(names('web-{1..5}')).toEqual(['web-1', 'web-2', 'web-3', 'web-4', 'web-5'])
  })

  it('pads to the wider bound when a bound starts with 0', () => {
    const list = names('web-{01..20}')
    expect(list).toHaveLength(20)
    expect(list.slice(0, 2)).toEqual(['web-01', 'web-02'])
    expect(list.at(-1)).toBe('web-20')
    expect(names('db-{008..10}')).toEqual(['db-008', 'db-009', 'db-010'])
  })

  it('keeps text after the range and takes a plain name as one name', () => {
    expect(names('{1..2}-web')).toEqual(['1-web', '2-web'])
    expect(names('single')).toEqual(['single'])
    expect(names('x-{7..7}')).toEqual(['x-7'])
  })

  it('refuses malformed patterns with a clear message', () => {
    expect(error('')).toMatch(/Enter a name/)
    expect(error('web-{1..}')).toMatch(/\{from\.\.to\}/)
    expect(error('web-{a..c}')).toMatch(/\{from\.\.to\}/)
    expect(error('web-{1..2}-{1..2}')).toMatch(/one \{from\.\.to\} range/)
    expect(error('web-{5..1}')).toMatch(/must count up/)
  })

  it(`refuses more than ${NAME_PATTERN_MAX} names`, () => {
    expect(names(`w-{1..${NAME_PATTERN_MAX}}`)).toHaveLength(NAME_PATTERN_MAX)
    expect(error(`w-{1..${NAME_PATTERN_MAX + 1}}`)).toMatch(/501 VMs; at most 500/)
  })

  it('refuses names that are not DNS-1123 labels', () => {
    expect(error('Web-{1..2}')).toMatch(/"Web-1" is not a valid VM name/)
    expect(error('web_{1..2}')).toMatch(/"web_1"/)
    expect(error('{1..2}-')).toMatch(/"1-"/)
    expect(error(`${'a'.repeat(62)}-{1..2}`)).toMatch(/at most 63/)
  })
})
