import { describe, expect, it } from 'vitest'
import { SortedRows } from './sorted-rows.ts'

const byNumber = (a: number, b: number) => a - b

/** A small deterministic generator, so a failure replays. */
function random(seed: number) {
  let state = seed
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state % n
  }
}

describe('SortedRows', () => {
  it('keeps rows in order through thousands of insertions and removals (chunks split and empty)', () => {
    const rows = new SortedRows(byNumber)
    const reference = new Set<number>()
    const next = random(7)
    for (let step = 0; step < 20_000; step++) {
      const value = next(3_000)
      if (reference.has(value)) {
        expect(rows.remove(value)).toBe(true)
        reference.delete(value)
      } else {
        rows.insert(value)
        reference.add(value)
      }
    }
    const sorted = [...reference].sort(byNumber)
    expect(rows.size).toBe(sorted.length)
    expect([...rows.rows()]).toEqual(sorted)
    expect([...rows.rows(true)]).toEqual(sorted.slice().reverse())
    expect(rows.chunks().flat()).toEqual(sorted)
  })

  it('starts a walk after `skip` rows, both ways, across chunk boundaries', () => {
    const rows = new SortedRows(byNumber)
    for (let i = 1999; i >= 0; i--) rows.insert(i)
    for (const skip of [0, 1, 255, 256, 511, 512, 1000, 1999, 2000, 5000]) {
      expect([...rows.rows(false, skip)].slice(0, 3)).toEqual(
        [skip, skip + 1, skip + 2].filter((n) => n < 2000),
      )
      expect([...rows.rows(true, skip)].slice(0, 2)).toEqual(
        [1999 - skip, 1998 - skip].filter((n) => n >= 0),
      )
    }
  })

  it('replaces a row in place and refuses to remove or replace one it does not hold', () => {
    const rows = new SortedRows<{ key: number; label: string }>((a, b) => a.key - b.key)
    rows.insert({ key: 2, label: 'two' })
    rows.insert({ key: 1, label: 'one' })
    expect(rows.replace({ key: 2, label: 'TWO' })).toBe(true)
    expect(rows.replace({ key: 3, label: 'three' })).toBe(false)
    expect(rows.remove({ key: 5, label: '' })).toBe(false)
    expect([...rows.rows()].map((r) => r.label)).toEqual(['one', 'TWO'])
    expect(new SortedRows(byNumber).remove(1)).toBe(false)
  })
})
