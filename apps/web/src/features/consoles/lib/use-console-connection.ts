import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react'
import { describeClose } from './close-codes.ts'
import {
  afterClose,
  shownState,
  type ConnectionState,
  type GenerationReport,
} from './connection-state.ts'

export interface ConnectHandlers {
  opened(): void
  closed(code: number, reason: string): void
}

/** Opens one connection; returns how to tear it down. */
export type Connect = (handlers: ConnectHandlers, options: { takeOver: boolean }) => () => void

/**
 * Keeps a console connected while `enabled`: reconnects with back-off when the close reason says
 * it may help, stops (and says why) when it does not: no permission, VM not running, session
 * taken over or in use, logged out.
 */
export function useConsoleConnection(enabled: boolean, connect: Connect) {
  const [generation, setGeneration] = useState(0)
  const [wanted, setWanted] = useState(true)
  /** What the connection of a generation last reported. */
  const [result, setResult] = useState<GenerationReport | null>(null)
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
          const now = Date.now()
          const outcome = afterClose(
            describeClose(code, reason),
            attemptRef.current,
            openedAt ? now - openedAt : 0,
            now,
          )
          attemptRef.current = outcome.attempt
          report(outcome.state)
          if (outcome.retryInMs !== undefined)
            timer = setTimeout(() => setGeneration((g) => g + 1), outcome.retryInMs)
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

  const state = shownState({ wanted, enabled, generation, last: result })

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
