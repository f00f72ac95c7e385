import { describe, expect, it } from 'vitest'
import { formatBytes, formatCores } from './format.ts'

describe('formatBytes', () => {
  it('picks the binary unit and keeps about three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(712 * 1024 ** 2)).toBe('712 MiB')
    expect(formatBytes(89.3 * 1024 ** 2)).toBe('89.3 MiB')
    expect(formatBytes(1.25 * 1024 ** 3)).toBe('1.25 GiB')
    expect(formatBytes(2.2 * 1024 ** 3)).toBe('2.2 GiB')
    expect(formatBytes(32 * 1024 ** 3)).toBe('32 GiB')
    expect(formatBytes(3 * 1024 ** 5)).toBe('3 PiB')
    expect(formatBytes(-1536)).toBe('-1.5 KiB')
  })
})

describe('formatCores', () => {
  it('shows whole cores as integers and fractions with one decimal', () => {
    expect(formatCores(8)).toBe('8')
    expect(formatCores(0.25)).toBe('0.3')
  })
})
