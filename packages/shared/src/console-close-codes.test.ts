import { describe, expect, it } from 'vitest'
import { CloseCode, closeCodeForStatus, statusOfCloseCode } from './console-close-codes.ts'

describe('console close codes', () => {
  it('carry an HTTP refusal as 4000 + status, and read it back', () => {
    expect(closeCodeForStatus(404)).toBe(4404)
    expect(statusOfCloseCode(4404)).toBe(404)
    expect(statusOfCloseCode(closeCodeForStatus(503))).toBe(503)
  })

  it('fall back to "upstream lost" for a status that is not one', () => {
    expect(closeCodeForStatus(0)).toBe(CloseCode.upstreamLost)
    expect(closeCodeForStatus(1000)).toBe(CloseCode.upstreamLost)
  })

  it('have no status outside 4100–4999', () => {
    expect(statusOfCloseCode(CloseCode.normal)).toBeUndefined()
    expect(statusOfCloseCode(4050)).toBeUndefined()
  })
})
