import { describe, expect, it } from 'vitest'
import { LogThrottle } from './log-throttle.ts'
import { SseEncoder } from './sse-encoder.ts'

describe('SseEncoder', () => {
  it('encodes one change once, whatever the number of streams writing it', () => {
    const encoder = new SseEncoder()
    const change = { type: 'delete' as const, namespace: 'dev', name: 'a' }
    const frames = Array.from({ length: 200 }, () => encoder.frame({ event: 'vms', data: change }))
    expect(new Set(frames).size).toBe(1)
    expect(encoder.encoded).toBe(1)
    expect(frames[0]!.toString()).toBe(`event: vms\ndata: ${JSON.stringify(change)}\n\n`)
    encoder.frame({ event: 'vms', data: { ...change } })
    expect(encoder.encoded).toBe(2)
  })
})

describe('LogThrottle', () => {
  it('writes at most one line per interval and counts the ones it folded', () => {
    const throttle = new LogThrottle(10_000)
    const lines: number[] = []
    for (let t = 0; t < 200; t++) throttle.hit((n) => lines.push(n), 1_000 + t)
    expect(lines).toEqual([1])
    throttle.hit((n) => lines.push(n), 20_000)
    expect(lines).toEqual([1, 200])
  })
})
