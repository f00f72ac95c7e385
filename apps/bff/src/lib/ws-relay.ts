import WebSocket from 'ws'
import { CloseCode } from '@vmdeck/shared'
import { closeReason, sendableCode } from './ws-close-codes.ts'

/**
 * What the browsers are told when KubeVirt's end of a console closes: a clean close and the
 * cluster's own 4xxx codes pass; anything else is "connection lost".
 */
export function upstreamCloseCode(code: number, reason: string): { code: number; reason: string } {
  return code === 1000 || (sendableCode(code) && code >= 4000)
    ? { code, reason: reason || 'The console ended.' }
    : { code: CloseCode.upstreamLost, reason: "The connection to the VM's console was lost." }
}

/** Closes with a code the protocol allows (and a reason that fits); terminates if it cannot. */
export function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING) return
  if (ws.readyState === WebSocket.CONNECTING) {
    ws.terminate()
    return
  }
  if (ws.isPaused) ws.resume() // read its answer to the close frame
  try {
    ws.close(sendableCode(code) ? code : 1011, closeReason(reason))
  } catch {
    ws.terminate()
  }
  // A peer that never answers the close frame is cut off.
  setTimeout(() => ws.terminate(), 5000).unref()
}
