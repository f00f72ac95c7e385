// Message boundaries of the RFB protocol (RFC 6143), so one upstream VNC stream can be shared: a
// browser joining late starts at a server message boundary, and a follower's input is dropped per
// client message. Only what the pinned encodings (console-rfb.ts) can produce is understood.

/** RFC 6143 §7.7.1 Raw, §7.7.2 CopyRect and the pseudo-encodings vmdeck pins upstream. */
export const Encoding = {
  raw: 0,
  copyRect: 1,
  /** §7.8.2 DesktopSize: a rectangle without payload. */
  desktopSize: -223,
  /** LastRect (RFB community extension): ends an update whose rectangle count was 0xFFFF. */
  lastRect: -224,
  /** ExtendedDesktopSize (community extension): 4 bytes, then 16 per screen. */
  extendedDesktopSize: -308,
  /** Extended clipboard (community extension): capabilities travel in the cut-text messages. */
  extendedClipboard: 0xc0a1e5ce | 0,
} as const

type Step = { kind: 'read'; n: number; then: (bytes: Buffer) => void } | { kind: 'skip'; n: number }

/**
 * Pull parser over a byte stream: a queue of steps (read n bytes into a callback, or skip n bytes
 * of payload). The stream is at a message boundary whenever the queue is empty.
 */
abstract class Framer {
  #steps: Step[] = []
  #partial: Buffer[] = []
  #partialLength = 0
  /** Set when the stream holds something this framer does not understand. */
  error: string | undefined

  protected abstract startMessage(): void

  /** Between two messages (nothing of the next one read yet). */
  get atBoundary(): boolean {
    return this.#steps.length === 0 && this.#partialLength === 0 && this.error === undefined
  }

  protected read(n: number, then: (bytes: Buffer) => void): void {
    this.#steps.push({ kind: 'read', n, then })
  }

  protected skip(n: number): void {
    if (n > 0) this.#steps.push({ kind: 'skip', n })
  }

  protected fail(message: string): void {
    this.error ??= message
    this.#steps = []
  }

  /** Feeds a chunk; answers the offsets in it just after each complete message. */
  feed(chunk: Buffer): number[] {
    const boundaries: number[] = []
    let at = 0
    while (at < chunk.length && this.error === undefined) {
      if (this.#steps.length === 0) this.startMessage()
      const step = this.#steps[0]
      if (!step) break
      if (step.kind === 'skip') {
        const taken = Math.min(step.n, chunk.length - at)
        step.n -= taken
        at += taken
        if (step.n === 0) this.#steps.shift()
      } else {
        const taken = Math.min(step.n - this.#partialLength, chunk.length - at)
        this.#partial.push(chunk.subarray(at, at + taken))
        this.#partialLength += taken
        at += taken
        if (this.#partialLength < step.n) break
        const bytes = Buffer.concat(this.#partial, this.#partialLength)
        this.#partial = []
        this.#partialLength = 0
        this.#steps.shift()
        // Steps the callback adds come before the ones already queued after it.
        const rest = this.#steps
        this.#steps = []
        step.then(bytes)
        if (this.error === undefined) this.#steps.push(...rest)
      }
      if (this.#steps.length === 0 && this.error === undefined) boundaries.push(at)
    }
    return boundaries
  }
}

/** Server-to-client messages (RFC 6143 §7.6) with the pinned encodings. */
export class RfbServerFramer extends Framer {
  readonly #bytesPerPixel: number
  readonly #onDesktopSize: (width: number, height: number) => void

  constructor(bytesPerPixel: number, onDesktopSize: (width: number, height: number) => void) {
    super()
    this.#bytesPerPixel = bytesPerPixel
    this.#onDesktopSize = onDesktopSize
  }

  protected startMessage(): void {
    this.read(1, (type) => {
      switch (type.readUInt8(0)) {
        case 0: // §7.6.1 FramebufferUpdate: padding, number-of-rectangles
          return this.read(3, (head) => this.#rects(head.readUInt16BE(1)))
        case 1: // §7.6.2 SetColourMapEntries: padding, first-colour, number-of-colours, 6 each
          return this.read(5, (head) => this.skip(6 * head.readUInt16BE(3)))
        case 2: // §7.6.3 Bell
          return
        case 3: // §7.6.4 ServerCutText: padding, length (negative: extended clipboard)
          return this.read(7, (head) => this.skip(Math.abs(head.readInt32BE(3))))
        default:
          return this.fail(`unknown RFB server message ${type.readUInt8(0)}`)
      }
    })
  }

  #rects(left: number): void {
    if (left === 0) return
    this.read(12, (rect) => {
      const width = rect.readUInt16BE(4)
      const height = rect.readUInt16BE(6)
      const encoding = rect.readInt32BE(8)
      const next = () => this.#rects(left === 0xffff ? left : left - 1)
      switch (encoding) {
        case Encoding.raw:
          this.skip(width * height * this.#bytesPerPixel)
          return next()
        case Encoding.copyRect:
          this.skip(4)
          return next()
        case Encoding.desktopSize:
          // The new size is the rectangle's: a browser joining later gets it in its ServerInit.
          this.#onDesktopSize(width, height)
          return next()
        case Encoding.lastRect:
          return
        case Encoding.extendedDesktopSize:
          return this.read(4, (head) => {
            this.skip(16 * head.readUInt8(0))
            next()
          })
        default:
          return this.fail(`unexpected RFB encoding ${encoding}`)
      }
    })
  }
}

/** Client-to-server message types (RFC 6143 §7.5). */
export const ClientMessage = {
  setPixelFormat: 0,
  setEncodings: 2,
  framebufferUpdateRequest: 3,
  keyEvent: 4,
  pointerEvent: 5,
  clientCutText: 6,
} as const

/** Client-to-server messages, whole: each comes out with its type. */
export class RfbClientFramer extends Framer {
  #message: Buffer[] = []
  readonly #onMessage: (type: number, bytes: Buffer) => void

  constructor(onMessage: (type: number, bytes: Buffer) => void) {
    super()
    this.#onMessage = onMessage
  }

  /** Feeds a chunk; complete messages go to the callback. */
  push(chunk: Buffer): void {
    let from = 0
    for (const end of this.feed(chunk)) {
      this.#message.push(chunk.subarray(from, end))
      const bytes = Buffer.concat(this.#message)
      this.#message = []
      from = end
      this.#onMessage(bytes.readUInt8(0), bytes)
    }
    if (from < chunk.length) this.#message.push(chunk.subarray(from))
  }

  protected startMessage(): void {
    this.read(1, (type) => {
      switch (type.readUInt8(0)) {
        case ClientMessage.setPixelFormat: // §7.5.1: padding 3, PIXEL_FORMAT 16
          return this.skip(19)
        case ClientMessage.setEncodings: // §7.5.2: padding, count, 4 each
          return this.read(3, (head) => this.skip(4 * head.readUInt16BE(1)))
        case ClientMessage.framebufferUpdateRequest: // §7.5.3
          return this.skip(9)
        case ClientMessage.keyEvent: // §7.5.4
          return this.skip(7)
        case ClientMessage.pointerEvent: // §7.5.5
          return this.skip(5)
        case ClientMessage.clientCutText: // §7.5.6: padding 3, length (negative: extended)
          return this.read(7, (head) => this.skip(Math.abs(head.readInt32BE(3))))
        default:
          return this.fail(`unknown RFB client message ${type.readUInt8(0)}`)
      }
    })
  }
}
