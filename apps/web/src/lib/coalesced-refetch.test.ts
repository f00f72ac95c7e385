import { QueryClient } from '@tanstack/react-query'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { coalescedRefetch } from './coalesced-refetch.ts'

describe('coalescedRefetch', () => {
  let client: QueryClient
  let invalidated: number
  beforeEach(() => {
    vi.useFakeTimers()
    client = new QueryClient()
    invalidated = 0
    vi.spyOn(client, 'invalidateQueries').mockImplementation(async () => {
      invalidated++
    })
  })
  afterEach(() => vi.useRealTimers())

  it('refetches once after a quiet moment, however many requests came before it', () => {
    const refetch = coalescedRefetch(client, 100)
    for (let i = 0; i < 3; i++) {
      refetch.request(['vms'])
      vi.advanceTimersByTime(50)
    }
    expect(invalidated).toBe(0)
    vi.advanceTimersByTime(100)
    expect(invalidated).toBe(1)
    vi.advanceTimersByTime(1_000)
    expect(invalidated).toBe(1)
  })

  it('refetches within the longest wait while requests never stop coming', () => {
    const refetch = coalescedRefetch(client, 100, 400)
    // A request every 50 ms for 2 s: never 100 ms of quiet.
    for (let i = 0; i < 40; i++) {
      refetch.request(['vms', 'folders'], { exact: true })
      vi.advanceTimersByTime(50)
    }
    // At 400, 800, 1,200, 1,600 and 2,000 ms.
    expect(invalidated).toBe(5)
    refetch.dispose()
  })

  it('leaves a query in flight alone and refetches it once its request ended', () => {
    let fetching = 1
    vi.spyOn(client, 'isFetching').mockImplementation(() => fetching)
    const refetch = coalescedRefetch(client, 100, 400)
    refetch.request(['vms'])
    vi.advanceTimersByTime(1_000)
    expect(invalidated).toBe(0)
    fetching = 0
    vi.advanceTimersByTime(100)
    expect(invalidated).toBe(1)
  })
})
