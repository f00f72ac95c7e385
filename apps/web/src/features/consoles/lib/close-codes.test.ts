import { describe, expect, it } from 'vitest'
import { backoffMs, describeClose } from './close-codes.ts'

describe('close codes', () => {
  it('reconnects after a lost connection but not after a refusal the user must act on', () => {
    expect(describeClose(1006, '').retry).toBe(true)
    expect(describeClose(4502, 'lost').retry).toBe(true)
    expect(describeClose(4400, 'VMI is not running')).toMatchObject({
      retry: false,
      reason: 'VMI is not running',
    })
    expect(describeClose(4403, '').retry).toBe(false)
    expect(describeClose(4401, '')).toMatchObject({ retry: false, loggedOut: true })
    expect(describeClose(4900, '')).toMatchObject({ retry: false, inUse: true })
    expect(describeClose(4901, 'admin opened this console elsewhere.')).toMatchObject({
      retry: false,
      takenOver: true,
    })
  })

  it('retries a refusal with a server-side or throttling status, and says which', () => {
    expect(describeClose(4503, '')).toMatchObject({
      retry: true,
      reason: 'The cluster refused the console (503).',
    })
    expect(describeClose(4429, '').retry).toBe(false)
    expect(describeClose(4408, '').retry).toBe(true)
    expect(describeClose(4404, '').retry).toBe(false)
    expect(describeClose(3000, '')).toMatchObject({
      retry: true,
      reason: 'The connection closed (3000).',
    })
  })
})

describe('back-off', () => {
  it('doubles from about 1 s up to about 30 s, with ±20 % jitter', () => {
    for (const [attempt, base] of [
      [1, 1000],
      [2, 2000],
      [5, 16_000],
      [6, 30_000],
      [12, 30_000],
    ] as const) {
      const delay = backoffMs(attempt)
      expect(delay).toBeGreaterThanOrEqual(base * 0.8)
      expect(delay).toBeLessThanOrEqual(base * 1.2)
    }
  })
})
