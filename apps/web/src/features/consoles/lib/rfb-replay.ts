// Playing a VNC recording back with noVNC: the BFF records the bytes a browser receives, with
// their times (apps/bff/src/lib/console-recording.ts), and noVNC's RFB reads them from a channel
// of ours instead of a WebSocket. What noVNC sends (its version, SetEncodings, update requests,
// keys) goes nowhere.

/** The first line of a VNC recording, format 1. */
export const RECORDING_MAGIC = 'vmdeck-rfb-recording 1\n'

export interface RecordedFrame {
  /** Milliseconds since the recording started. */
  ms: number
  data: Uint8Array
}

/** The frames of a recording: magic line, then `uint32 ms · uint32 length · bytes` (big-endian). */
export function parseRecording(buffer: ArrayBuffer): RecordedFrame[] {
  const bytes = new Uint8Array(buffer)
  const magic = new TextDecoder().decode(bytes.subarray(0, RECORDING_MAGIC.length))
  if (magic !== RECORDING_MAGIC) throw new Error('This is not a vmdeck VNC recording.')
  const view = new DataView(buffer)
  const frames: RecordedFrame[] = []
  let at = RECORDING_MAGIC.length
  // A recording cut short (the BFF stopped mid-write) plays up to its last whole frame.
  while (at + 8 <= bytes.length) {
    const ms = view.getUint32(at)
    const length = view.getUint32(at + 4)
    if (at + 8 + length > bytes.length) break
    frames.push({ ms, data: bytes.subarray(at + 8, at + 8 + length) })
    at += 8 + length
  }
  return frames
}

/**
 * A "raw channel" for noVNC (core/websock.js checks for send, close, binaryType, onerror,
 * onmessage, onopen, protocol and readyState): it opens when told, delivers the frames it is
 * given, and ignores what noVNC sends.
 */
export class ReplayChannel {
  onopen: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  binaryType: BinaryType = 'arraybuffer'
  protocol = ''
  /** WebSocket's numbers: CONNECTING until open(), CLOSED after close(). */
  readyState = 0

  open(): void {
    this.readyState = 1
    this.onopen?.(new Event('open'))
  }

  deliver(data: Uint8Array): void {
    if (this.readyState !== 1) return
    // noVNC copies out of the buffer at once; a copy of our own keeps the recording intact.
    this.onmessage?.(new MessageEvent('message', { data: data.slice().buffer }))
  }

  send(): void {
    // The recorded server does not listen.
  }

  close(): void {
    if (this.readyState >= 2) return
    this.readyState = 3
    // As a WebSocket would: the close comes later (noVNC waits for it to finish disconnecting).
    setTimeout(() => this.onclose?.(new CloseEvent('close', { code: 1000, wasClean: true })))
  }
}

export interface ReplayTarget {
  /** A fresh client on a fresh channel (at the start, and when seeking backwards). */
  connect(channel: ReplayChannel): void
  /** Position or state changed. */
  update(): void
}

/**
 * The clock of a playback: delivers each frame when its time comes at the chosen speed; pause,
 * speed and seek (forward: the frames in between at once; backward: from the start again, the
 * frames up to there at once, as an RFB stream can only be decoded from its start).
 */
export class RfbReplay {
  readonly frames: RecordedFrame[]
  readonly durationMs: number
  playing = false
  speed = 1
  #positionMs = 0
  #next = 0
  #channel: ReplayChannel | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  /** performance.now() and position when the clock last (re)started. */
  #wallAt = 0
  #positionAt = 0
  readonly #target: ReplayTarget

  constructor(frames: RecordedFrame[], target: ReplayTarget) {
    this.frames = frames
    this.durationMs = frames.at(-1)?.ms ?? 0
    this.#target = target
    this.#restart()
  }

  get positionMs(): number {
    return this.#positionMs
  }

  get ended(): boolean {
    return this.#next >= this.frames.length
  }

  play(): void {
    if (this.playing) return
    if (this.ended) this.seek(0)
    this.playing = true
    this.#wallAt = performance.now()
    this.#positionAt = this.#positionMs
    this.#tick()
  }

  pause(): void {
    this.playing = false
    clearTimeout(this.#timer)
    this.#target.update()
  }

  setSpeed(speed: number): void {
    this.speed = speed
    this.#wallAt = performance.now()
    this.#positionAt = this.#positionMs
    if (this.playing) {
      clearTimeout(this.#timer)
      this.#tick()
    } else this.#target.update()
  }

  seek(ms: number): void {
    const to = Math.max(0, Math.min(ms, this.durationMs))
    if (to < this.#positionMs) this.#restart()
    this.#deliverUpTo(to)
    this.#positionMs = to
    this.#wallAt = performance.now()
    this.#positionAt = to
    if (this.playing) {
      clearTimeout(this.#timer)
      this.#tick()
    } else this.#target.update()
  }

  /** Stops the clock and closes the channel (the player is gone). */
  stop(): void {
    this.playing = false
    clearTimeout(this.#timer)
    this.#channel?.close()
  }

  #restart(): void {
    this.#channel?.close()
    const channel = new ReplayChannel()
    this.#channel = channel
    this.#next = 0
    this.#positionMs = 0
    this.#target.connect(channel)
    channel.open()
    // The handshake, at 0: the screen gets its size before anything plays.
    this.#deliverUpTo(0)
  }

  #deliverUpTo(ms: number): void {
    const channel = this.#channel
    while (this.#next < this.frames.length) {
      const frame = this.frames[this.#next]
      if (!frame || frame.ms > ms) break
      channel?.deliver(frame.data)
      this.#next++
    }
  }

  #tick = (): void => {
    if (!this.playing) return
    this.#positionMs = Math.min(
      this.durationMs,
      this.#positionAt + (performance.now() - this.#wallAt) * this.speed,
    )
    this.#deliverUpTo(this.#positionMs)
    if (this.ended) {
      this.#positionMs = this.durationMs
      this.playing = false
      this.#target.update()
      return
    }
    this.#target.update()
    const due = ((this.frames[this.#next]?.ms ?? this.durationMs) - this.#positionMs) / this.speed
    // At least four times a second, for the progress bar.
    this.#timer = setTimeout(this.#tick, Math.max(0, Math.min(250, due)))
  }
}
