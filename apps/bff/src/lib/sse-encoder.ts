import type { StreamEvent } from '@vmdeck/shared'

/**
 * Server-sent event frames, encoded once per change whatever the number of streams: every stream
 * writes the same Buffer, so 200 slow readers queue 200 references to one frame, not 200 copies
 * (a string written to a socket is copied into a new Buffer per socket). Keyed on the change
 * object the stores hand to every subscriber, and forgotten with it.
 */
export class SseEncoder {
  readonly #frames = new WeakMap<object, Buffer>()
  /** Frames encoded so far (tests and benches read it: once per change, not per stream). */
  encoded = 0

  frame({ event, data }: StreamEvent): Buffer {
    const key = data as object
    const cached = this.#frames.get(key)
    if (cached) return cached
    const frame = Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    this.encoded++
    this.#frames.set(key, frame)
    return frame
  }
}
