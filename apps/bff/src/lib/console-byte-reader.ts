import type { RawData, WebSocket } from 'ws'

export const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)

/**
 * Reads exact byte counts from a WebSocket's binary frames, for a handshake; `detach` hands what
 * was received beyond the last read to whoever reads the stream next. Text frames are ignored.
 */
export class ByteReader {
  readonly #ws: WebSocket
  #data = Buffer.alloc(0)
  #wake: (() => void) | undefined
  #closed = false
  /** Bytes received in all. */
  received = 0
  readonly #onMessage = (data: RawData, isBinary: boolean) => {
    if (!isBinary) return
    const bytes = toBuffer(data)
    this.received += bytes.length
    this.#data = Buffer.concat([this.#data, bytes])
    this.#wake?.()
  }
  readonly #onClose = () => {
    this.#closed = true
    this.#wake?.()
  }

  constructor(ws: WebSocket) {
    this.#ws = ws
    ws.on('message', this.#onMessage)
    ws.on('close', this.#onClose)
    if (ws.isPaused) ws.resume()
  }

  /** Exactly `n` bytes; rejects when the socket closes or `deadline` (epoch ms) passes. */
  async read(n: number, deadline: number): Promise<Buffer> {
    while (this.#data.length < n) {
      if (this.#closed) throw new Error('the connection closed during the handshake')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('the handshake timed out')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.#wake = undefined
    }
    const out = this.#data.subarray(0, n)
    this.#data = this.#data.subarray(n)
    return out
  }

  /** Stops reading (the socket is paused) and answers the bytes not read yet. */
  detach(): Buffer {
    this.#ws.pause()
    this.#ws.off('message', this.#onMessage)
    this.#ws.off('close', this.#onClose)
    return this.#data
  }
}
