/**
 * Fixed-window counters per key (client address, token digest, user). Bounded: when it holds too
 * many keys it forgets the oldest windows first, so a flood of distinct keys cannot grow memory.
 */
export class RateLimiter {
  readonly #limit: number
  readonly #windowMs: number
  readonly #maxKeys: number
  readonly #windows = new Map<string, { count: number; resetAt: number }>()

  constructor(options: { limit: number; windowMs: number; maxKeys?: number }) {
    this.#limit = options.limit
    this.#windowMs = options.windowMs
    this.#maxKeys = options.maxKeys ?? 100_000
  }

  /** Milliseconds until `key` may spend again, or 0 when it has budget left. */
  blockedFor(key: string, cost = 1, now = Date.now()): number {
    const window = this.#windows.get(key)
    if (!window || window.resetAt <= now) return 0
    return window.count + cost > this.#limit ? window.resetAt - now : 0
  }

  spend(key: string, cost = 1, now = Date.now()): void {
    let window = this.#windows.get(key)
    if (!window || window.resetAt <= now) {
      this.#windows.delete(key)
      window = { count: 0, resetAt: now + this.#windowMs }
      this.#windows.set(key, window)
      while (this.#windows.size > this.#maxKeys) {
        const oldest = this.#windows.keys().next().value
        if (oldest === undefined) break
        this.#windows.delete(oldest)
      }
    }
    window.count += cost
  }
}
