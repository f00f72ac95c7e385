import { describe, expect, it } from 'vitest'
import { describeSessionEnd } from './session-end.ts'

describe('describeSessionEnd', () => {
  const now = new Date(2026, 11, 6, 9, 0)
  it('gives a time of day when the session ends today', () => {
    const ends = new Date(2026, 11, 6, 17, 0)
    const text = describeSessionEnd(
      { method: 'token', expiresAt: ends.toISOString(), idleTimeoutSeconds: 3600 },
      now,
    )
    expect(text).toBe(
      `Session ends at ${ends.toLocaleString(undefined, { timeStyle: 'short' })}, or after 1 hour without use`,
    )
  })

  it('adds the date when it ends another day', () => {
    const ends = new Date(2026, 11, 7, 1, 0)
    const text = describeSessionEnd(
      { method: 'sso', expiresAt: ends.toISOString(), idleTimeoutSeconds: 90 },
      now,
    )
    expect(text).toBe(
      `Session ends ${ends.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}, or after 90 seconds without use`,
    )
  })
})
