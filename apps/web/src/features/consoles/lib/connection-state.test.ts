import { describe, expect, it } from 'vitest'
import type { CloseInfo } from './close-codes.ts'
import {
  afterClose,
  HEALTHY_MS,
  MAX_ATTEMPTS,
  shownState,
  USER_STOPPED,
  type ConnectionState,
} from './connection-state.ts'

const lost: CloseInfo = { code: 1006, reason: 'The connection was lost.', retry: true }
const refused: CloseInfo = { code: 4403, reason: 'Not allowed.', retry: false }
const backoff = (attempt: number) => attempt * 1000

describe('after a console closes', () => {
  it('retries a lost connection after the back-off of this attempt', () => {
    expect(afterClose(lost, 3, 0, 50_000, backoff)).toEqual({
      retryInMs: 3000,
      attempt: 3,
      state: { phase: 'retrying', attempt: 3, at: 53_000, info: lost },
    })
  })

  it('counts afresh after a connection that lived long enough to be healthy', () => {
    expect(afterClose(lost, 7, HEALTHY_MS + 1, 0, backoff)).toMatchObject({
      retryInMs: 1000,
      attempt: 1,
    })
    expect(afterClose(lost, 7, HEALTHY_MS, 0, backoff)).toMatchObject({ attempt: 7 })
  })

  it('stops when retrying cannot help, and when the attempts are used up', () => {
    expect(afterClose(refused, 1, 0, 0, backoff)).toEqual({
      attempt: 0,
      state: { phase: 'stopped', info: refused },
    })
    expect(afterClose(lost, MAX_ATTEMPTS, 0, 0, backoff)).toEqual({
      attempt: 0,
      state: { phase: 'stopped', info: lost },
    })
    expect(afterClose(lost, MAX_ATTEMPTS - 1, 0, 0, backoff).retryInMs).toBe(11_000)
  })
})

describe('the state a console shows', () => {
  const connected: ConnectionState = { phase: 'connected', since: 1 }
  const retrying: ConnectionState = { phase: 'retrying', attempt: 2, at: 9, info: lost }
  const stopped: ConnectionState = { phase: 'stopped', info: refused }

  it('is "you disconnected" whenever the user asked for it', () => {
    expect(
      shownState({
        wanted: false,
        enabled: true,
        generation: 1,
        last: { generation: 1, state: connected },
      }),
    ).toBe(USER_STOPPED)
  })

  it("is what the current generation's connection reported", () => {
    expect(
      shownState({
        wanted: true,
        enabled: true,
        generation: 4,
        last: { generation: 4, state: connected },
      }),
    ).toBe(connected)
  })

  it('is "connecting" between generations, counting on from a retry', () => {
    expect(shownState({ wanted: true, enabled: true, generation: 0, last: null })).toEqual({
      phase: 'connecting',
      attempt: 1,
    })
    expect(
      shownState({
        wanted: true,
        enabled: true,
        generation: 5,
        last: { generation: 4, state: retrying },
      }),
    ).toEqual({ phase: 'connecting', attempt: 3 })
  })

  it('is idle while connecting is not allowed, keeping the reason of a stop', () => {
    expect(shownState({ wanted: true, enabled: false, generation: 0, last: null })).toEqual({
      phase: 'idle',
    })
    expect(
      shownState({
        wanted: true,
        enabled: false,
        generation: 2,
        last: { generation: 1, state: stopped },
      }),
    ).toBe(stopped)
    expect(
      shownState({
        wanted: true,
        enabled: false,
        generation: 2,
        last: { generation: 1, state: connected },
      }),
    ).toEqual({ phase: 'idle' })
  })
})
