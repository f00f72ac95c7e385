import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react'
import { backoffMs, describeClose, type CloseInfo } from './close-codes.ts'

export type ConnectionState =
  | { phase: 'idle' }
  | { phase: 'connecting'; attempt: number }
  | { phase: 'connected'; since: number }
  | { phase: 'retrying'; attempt: number; at: number; info: CloseInfo }
  | { phase: 'stopped'; info: CloseInfo }

export interface ConnectHandlers {
  opened(): void
  closed(code: number, reason: string): void
}

/** Opens one connection; returns how to tear it down. */
export type Connect = (handlers: ConnectHandlers, options: { takeOver: boolean }) => () => void

const MAX_ATTEMPTS = 12
/** A connection that lived this long counts as healthy: the next drop starts back-off afresh. */
const HEALTHY_MS = 10_000
const USER_STOPPED: ConnectionState = {
  phase: 'stopped',
  info: { code: 1000, reason: 'You disconnected.', retry: false },
}

/**
 * Keeps a console connected while `enabled`: reconnects with back-off when the close reason says
 * it may help, stops (and says why) when it does not: no permission, VM not running, session
 * taken over or in use, logged out.
 */
export function useConsoleConnection(enabled: boolean, connect: Connect) {
  const [generation, setGeneration] = useState(0)
  const [wanted, setWanted] = useState(true)
  /** What the connection of a generation last reported. */
  const [result, setResult] = useState<{ generation: number; state: ConnectionState } | null>(null)
  const takeOverRef = useRef(false)
  const attemptRef = useRef(0)
  const open = useEffectEvent(connect)

  useEffect(() => {
    if (!enabled || !wanted) return
    let disposed = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let openedAt = 0
    attemptRef.current += 1
    const takeOver = takeOverRef.current
    takeOverRef.current = false
    const report = (state: ConnectionState) => setResult({ generation, state })
    const teardown = open(
      {
        opened() {
          if (disposed) return
          openedAt = Date.now()
          report({ phase: 'connected', since: openedAt })
        },
        closed(code, reason) {
          if (disposed) return
          disposed = true
          const info = describeClose(code, reason)
          if (openedAt && Date.now() - openedAt > HEALTHY_MS) attemptRef.current = 1
          if (info.retry && attemptRef.current < MAX_ATTEMPTS) {
            const delay = backoffMs(attemptRef.current)
            report({ phase: 'retrying', attempt: attemptRef.current, at: Date.now() + delay, info })
            timer = setTimeout(() => setGeneration((g) => g + 1), delay)
          } else {
            attemptRef.current = 0
            report({ phase: 'stopped', info })
          }
        },
      },
      { takeOver },
    )
    return () => {
      disposed = true
      clearTimeout(timer)
      teardown()
    }
  }, [enabled, wanted, generation])

  let state: ConnectionState
  if (!wanted) state = USER_STOPPED
  else if (result?.generation === generation) state = result.state
  else if (!enabled) state = result?.state.phase === 'stopped' ? result.state : { phase: 'idle' }
  else
    state = {
      phase: 'connecting',
      attempt: result?.state.phase === 'retrying' ? result.state.attempt + 1 : 1,
    }

  /** Connect again now (optionally taking the session over from whoever holds it). */
  const reconnect = useCallback((options: { takeOver?: boolean } = {}) => {
    takeOverRef.current = options.takeOver ?? false
    attemptRef.current = 0
    setWanted(true)
    setGeneration((g) => g + 1)
  }, [])

  const disconnect = useCallback(() => setWanted(false), [])

  return { state, reconnect, disconnect }
}
