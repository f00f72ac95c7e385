import { CloseCode, statusOfCloseCode } from '@vmdeck/shared'

// What the UI makes of a console's close code (the codes: packages/shared/src/console-close-codes.ts):
// a readable reason, and whether reconnecting by itself can help.

export interface CloseInfo {
  code: number
  /** What to tell the user. */
  reason: string
  /** Reconnect automatically (with back-off)? Not for permissions, a stopped VM, a taken-over session. */
  retry: boolean
  /** Someone else holds the VNC session: offer an explicit take-over. */
  inUse?: boolean
  takenOver?: boolean
  loggedOut?: boolean
}

export function describeClose(code: number, reason: string): CloseInfo {
  const said = reason.trim()
  switch (code) {
    case CloseCode.unauthenticated:
      return {
        code,
        reason: said || 'Your session ended; log in again.',
        retry: false,
        loggedOut: true,
      }
    case CloseCode.forbidden:
      return { code, reason: said || 'You are not allowed to open this console.', retry: false }
    case CloseCode.tooManyConsoles:
      return { code, reason: said || 'You have too many consoles open.', retry: false }
    case CloseCode.sessionInUse:
      return {
        code,
        reason: said || 'Someone else is connected to this console.',
        retry: false,
        inUse: true,
      }
    case CloseCode.takenOver:
      return {
        code,
        reason: said || 'Another session took over this console.',
        retry: false,
        takenOver: true,
      }
    case CloseCode.resync:
      return { code, reason: said || 'This console fell behind; reconnecting.', retry: true }
    case CloseCode.goingAway:
      return { code, reason: said || 'vmdeck is restarting.', retry: true }
    case CloseCode.normal:
      return { code, reason: said || 'The console ended.', retry: true }
    case CloseCode.abnormal:
      return { code, reason: 'The connection was lost.', retry: true }
  }
  const status = statusOfCloseCode(code)
  if (status !== undefined) {
    // 400 "VMI is not running", 404, 409 "VMI is in failed status": the VM is not there to reach.
    const retry = status >= 500 || status === 408 || status === 429
    return { code, reason: said || `The cluster refused the console (${status}).`, retry }
  }
  return { code, reason: said || `The connection closed (${code}).`, retry: true }
}

/** Back-off before reconnect attempt `attempt` (1, 2, …): 1 s doubling to 30 s, with jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.8 + Math.random() * 0.4))
}
