import { describe, expect, it } from 'vitest'
import { parseQuantity } from './quantity.ts'

describe('parseQuantity', () => {
  it('reads binary, decimal and fractional suffixes', () => {
    expect(parseQuantity('4Gi')).toBe(4 * 2 ** 30)
    expect(parseQuantity('1Pi')).toBe(2 ** 50)
    expect(parseQuantity('2Ei')).toBe(2 * 2 ** 60)
    expect(parseQuantity('500m')).toBe(0.5)
    expect(parseQuantity('3k')).toBe(3000)
    expect(parseQuantity('30G')).toBe(30e9)
    expect(parseQuantity('1e3')).toBe(1000)
    expect(parseQuantity(' 110 ')).toBe(110)
  })

  it('answers 0 for what is absent or not a quantity', () => {
    expect(parseQuantity(undefined)).toBe(0)
    expect(parseQuantity('')).toBe(0)
    expect(parseQuantity('lots')).toBe(0)
    expect(parseQuantity('4Xi')).toBe(0)
    expect(parseQuantity('4 Gi')).toBe(0)
  })
})
