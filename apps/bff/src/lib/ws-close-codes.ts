/**
 * Close codes of vmdeck's console WebSockets, so the browser can tell the user why a console is
 * not connected (the web app mirrors them in `features/consoles/lib/close-codes.ts`).
 *
 * - 4000 + HTTP status: the cluster (or the BFF) refused before any stream existed; the reason is
 *   the Kubernetes message. 4400 "VMI is not running", 4404 not found, 4409 failed VMI …
 * - 4401 / 4403 / 4429 are the BFF's own answers with the same meaning as the HTTP status.
 * - 49xx are console-specific outcomes that have no HTTP status.
 */
export const CloseCode = {
  /** The console ended normally (the guest went away, or the user closed it). */
  normal: 1000,
  /** The BFF is shutting down. */
  goingAway: 1001,
  /** Not logged in, the session expired or was logged out, or the cluster dropped the token. */
  unauthenticated: 4401,
  /** RBAC does not (or no longer) allow this console. */
  forbidden: 4403,
  /** The user has too many consoles open. */
  tooManyConsoles: 4429,
  /** The cluster could not be reached, or the stream broke. */
  upstreamLost: 4502,
  /** The cluster stopped answering (handshake or keepalive timeout). */
  upstreamTimeout: 4504,
  /** VNC: somebody else holds the session and we asked to preserve it ("Active VNC connection"). */
  sessionInUse: 4900,
  /** Another console session (VNC take-over, or any new serial session) replaced this one. */
  takenOver: 4901,
} as const

/** 4000 + status for a refusal with an HTTP status. */
export const closeCodeForStatus = (status: number): number =>
  status >= 100 && status <= 999 ? 4000 + status : CloseCode.upstreamLost

/** A close reason must fit in 123 bytes of UTF-8: cut at a character boundary. */
export function closeReason(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim()
  if (Buffer.byteLength(clean) <= 123) return clean
  let out = ''
  for (const char of clean) {
    if (Buffer.byteLength(out + char + '…') > 123) break
    out += char
  }
  return out + '…'
}

/** Codes a server may send in a close frame (1005/1006/1015 are reserved for "none received"). */
export const sendableCode = (code: number): boolean =>
  code === 1000 || code === 1001 || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
