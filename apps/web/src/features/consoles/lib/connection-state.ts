import { backoffMs, type CloseInfo } from './close-codes.ts'

export type ConnectionState =
  | { phase: 'idle' }
  | { phase: 'connecting'; attempt: number }
  | { phase: 'connected'; since: number }
  | { phase: 'retrying'; attempt: number; at: number; info: CloseInfo }
  | { phase: 'stopped'; info: CloseInfo }

/** What the connection of one generation (one connect call) last reported. */
export type GenerationReport = { generation: number; state: ConnectionState }

export const MAX_ATTEMPTS = 12
/** A connection that lived this long counts as healthy: the next drop starts back-off afresh. */
export const HEALTHY_MS = 10_000

export const USER_STOPPED: ConnectionState = {
  phase: 'stopped',
  info: { code: 1000, reason: 'You disconnected.', retry: false },
}

export type CloseOutcome =
  | { retryInMs: number; attempt: number; state: ConnectionState }
  | { retryInMs?: undefined; attempt: 0; state: ConnectionState }

/**
 * What to do when attempt `attempt` closed after living `livedMs` (0: it never opened): retry
 * after a back-off while the close reason says it may help and attempts remain, else stop and
 * start counting afresh next time.
 */
export function afterClose(
  info: CloseInfo,
  attempt: number,
  livedMs: number,
  now: number,
  backoff: (attempt: number) => number = backoffMs,
): CloseOutcome {
  const counted = livedMs > HEALTHY_MS ? 1 : attempt
  if (info.retry && counted < MAX_ATTEMPTS) {
    const retryInMs = backoff(counted)
    return {
      retryInMs,
      attempt: counted,
      state: { phase: 'retrying', attempt: counted, at: now + retryInMs, info },
    }
  }
  return { attempt: 0, state: { phase: 'stopped', info } }
}

/**
 * The state to show: the user's "Disconnect" wins; then what the current generation reported;
 * between generations, "connecting" (counting on from a retry) or, when connecting is not
 * allowed, idle (a stop keeps its reason).
 */
export function shownState({
  wanted,
  enabled,
  generation,
  last,
}: {
  wanted: boolean
  enabled: boolean
  generation: number
  last: GenerationReport | null
}): ConnectionState {
  if (!wanted) return USER_STOPPED
  if (last?.generation === generation) return last.state
  if (!enabled) return last?.state.phase === 'stopped' ? last.state : { phase: 'idle' }
  return {
    phase: 'connecting',
    attempt: last?.state.phase === 'retrying' ? last.state.attempt + 1 : 1,
  }
}
