import WebSocket, { type RawData } from 'ws'
import { CloseCode } from '@vmdeck/shared'
import { closeReason, sendableCode } from './ws-close-codes.ts'

export interface RelayOptions {
  /** Ping both legs this often; a leg that did not answer the previous ping is dropped. */
  keepaliveMs: number
  /** Stop reading one side while the other side has more than this queued (and resume below half). */
  highWaterBytes: number
}

export interface RelayStats {
  bytesToClient: number
  bytesToUpstream: number
  /** Text frames from the browser, dropped: KubeVirt only reads binary frames. */
  droppedTextFrames: number
  /** How often a side was paused because the other one could not keep up. */
  pauses: number
}

export type RelayEnd =
  | { by: 'client'; code: number; reason: string }
  | { by: 'upstream'; code: number; reason: string }
  | { by: 'server'; code: number; reason: string }

/**
 * Relays a browser WebSocket and a KubeVirt console WebSocket: binary frames both ways, with back
 * pressure (a side stops being read while the other's send buffer is over the high-water mark, so
 * a slow browser cannot grow the BFF's memory), keepalive pings on both legs, and one end for both.
 * `upstream` must be paused (openUpstream leaves it so) so no early byte is lost.
 */
export class WsRelay {
  readonly client: WebSocket
  readonly upstream: WebSocket
  readonly stats: RelayStats = {
    bytesToClient: 0,
    bytesToUpstream: 0,
    droppedTextFrames: 0,
    pauses: 0,
  }
  readonly ended: Promise<RelayEnd>
  #end: RelayEnd | undefined
  #resolveEnded!: (end: RelayEnd) => void
  #keepalive: NodeJS.Timeout
  readonly #highWater: number
  /**
   * Maps how the upstream closed to what the browser is told; the default keeps a clean close
   * and turns anything else into "connection lost".
   */
  upstreamCloseCode: (code: number, reason: string) => { code: number; reason: string } = (
    code,
    reason,
  ) =>
    code === 1000 || (sendableCode(code) && code >= 4000)
      ? { code, reason: reason || 'The console ended.' }
      : { code: CloseCode.upstreamLost, reason: "The connection to the VM's console was lost." }

  constructor(client: WebSocket, upstream: WebSocket, options: RelayOptions) {
    this.client = client
    this.upstream = upstream
    this.#highWater = options.highWaterBytes
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve
    })
    this.#pipe(client, upstream, 'bytesToUpstream', true)
    this.#pipe(upstream, client, 'bytesToClient', false)

    client.on('close', (code, reason) => {
      this.#finish({ by: 'client', code, reason: reason.toString() })
      closeQuietly(upstream, 1000, '')
    })
    upstream.on('close', (code, reason) => {
      const mapped = this.upstreamCloseCode(code, reason.toString())
      this.#finish({ by: 'upstream', code: mapped.code, reason: mapped.reason })
      closeQuietly(client, mapped.code, mapped.reason)
    })
    client.on('error', () => client.terminate())
    upstream.on('error', () => upstream.terminate())

    // Keepalive: ping both legs; one that did not pong since the last ping (and is not paused
    // by back pressure, which stops reading its pongs too) is dead.
    const alive = new WeakMap<WebSocket, boolean>([
      [client, true],
      [upstream, true],
    ])
    for (const leg of [client, upstream]) leg.on('pong', () => alive.set(leg, true))
    this.#keepalive = setInterval(() => {
      for (const leg of [client, upstream]) {
        if (!alive.get(leg) && !leg.isPaused) {
          if (leg === client) {
            this.#finish({ by: 'client', code: 1006, reason: 'no answer to keepalive' })
            client.terminate()
            closeQuietly(upstream, 1000, '')
          } else {
            this.close(CloseCode.upstreamTimeout, 'The cluster stopped answering keepalives.')
          }
          return
        }
        alive.set(leg, false)
        if (leg.readyState === WebSocket.OPEN) leg.ping()
      }
    }, options.keepaliveMs)
    this.#keepalive.unref()
    upstream.resume()
  }

  /** Ends the console from the server side with `code` and a readable reason. */
  close(code: number, reason: string): void {
    this.#finish({ by: 'server', code, reason })
    closeQuietly(this.client, code, reason)
    closeQuietly(this.upstream, 1000, '')
  }

  get isEnded(): boolean {
    return this.#end !== undefined
  }

  #finish(end: RelayEnd): void {
    if (this.#end) return
    this.#end = end
    clearInterval(this.#keepalive)
    this.#resolveEnded(end)
  }

  #pipe(
    from: WebSocket,
    to: WebSocket,
    counter: 'bytesToClient' | 'bytesToUpstream',
    dropText: boolean,
  ): void {
    // The message that crosses the high-water mark carries the callback: once it is written
    // out, everything queued before it is too, and reading resumes.
    const resume = () => {
      if (from.isPaused && !this.#end) from.resume()
    }
    from.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary && dropText) {
        this.stats.droppedTextFrames++
        return
      }
      if (to.readyState !== WebSocket.OPEN) return
      const bytes = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data)
      this.stats[counter] += bytes.length
      if (to.bufferedAmount + bytes.length > this.#highWater && !from.isPaused) {
        this.stats.pauses++
        from.pause()
        to.send(bytes, { binary: true }, resume)
      } else to.send(bytes, { binary: true })
    })
  }
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
