/**
 * Close codes of vmdeck's console WebSockets: the BFF sends them, the browser tells the user why a
 * console is not connected.
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
  /** Never sent: the browser reports it when the connection dropped without a close frame. */
  abnormal: 1006,
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
  /** A watching (follower) browser fell too far behind the console's output: reconnect to resync. */
  resync: 4902,
} as const

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

/** 4000 + status for a refusal with an HTTP status. */
export const closeCodeForStatus = (status: number): number =>
  status >= 100 && status <= 999 ? 4000 + status : CloseCode.upstreamLost

/** The HTTP status inside a 4000 + status code, or undefined for any other code. */
export const statusOfCloseCode = (code: number): number | undefined =>
  code >= 4100 && code <= 4999 ? code - 4000 : undefined
