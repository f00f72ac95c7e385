/**
 * At most one log line per interval for a recurring condition (a flood of slow stream clients
 * must not become a flood of log lines); the line says how many were folded into it.
 */
export class LogThrottle {
  readonly #intervalMs: number
  #last = -Infinity
  #suppressed = 0

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs
  }

  /** Calls `write` with the number of occurrences since the last line, or counts this one. */
  hit(write: (occurrences: number) => void, now = Date.now()): void {
    if (now - this.#last < this.#intervalMs) {
      this.#suppressed++
      return
    }
    const occurrences = this.#suppressed + 1
    this.#suppressed = 0
    this.#last = now
    write(occurrences)
  }
}
