import { StatusError } from '../kube/status-error.ts'

/** client-go's per-item exponential back-off starts at 5 ms; we cap it at a minute, not 1000 s. */
const BACKOFF_BASE_MS = 5
const BACKOFF_MAX_MS = 60_000

/**
 * A controller work queue: keys added while a batch runs are handled in the next batch, each key
 * at most once per batch (client-go's rate-limited queue). A conflict or a missing object
 * (another writer won, a cache behind the server) requeues the key at once; any other failure
 * (a refused request, an API server not reachable) retries it with exponential back-off, as
 * client-go's `AddRateLimited` does, until it succeeds.
 */
export class WorkQueue {
  readonly #pending = new Set<string>()
  readonly #handle: (key: string) => void | Promise<void>
  readonly #name: string
  /** Consecutive failures per key (the back-off exponent); cleared on success. */
  readonly #failures = new Map<string, number>()
  readonly #retryTimers = new Map<string, NodeJS.Timeout>()
  #scheduled = false
  #stopped = false
  #running = false
  #batch: Promise<void> = Promise.resolve()
  /** Called after each batch (the queue may be idle now). */
  onDrained: (() => void) | undefined

  constructor(name: string, handle: (key: string) => void | Promise<void>) {
    this.#name = name
    this.#handle = handle
  }

  add(key: string): void {
    if (this.#stopped) return
    this.#pending.add(key)
    // One batch at a time, so no key is handled twice at once (as client-go's queue).
    if (this.#scheduled || this.#running) return
    this.#schedule()
  }

  #schedule(): void {
    this.#scheduled = true
    setImmediate(() => {
      this.#batch = this.#drain()
    })
  }

  /** Stops taking keys; resolves when the batch running now (if any) has finished. */
  stop(): Promise<void> {
    this.#stopped = true
    this.#pending.clear()
    for (const timer of this.#retryTimers.values()) clearTimeout(timer)
    this.#retryTimers.clear()
    return this.#batch
  }

  get idle(): boolean {
    return !this.#scheduled && this.#pending.size === 0 && !this.#running
  }

  async #drain(): Promise<void> {
    this.#scheduled = false
    if (this.#stopped) return
    const keys = [...this.#pending]
    this.#pending.clear()
    this.#running = true
    for (const key of keys) {
      if (this.#stopped) break
      try {
        await this.#handle(key)
        this.#failures.delete(key)
      } catch (error) {
        if (error instanceof StatusError && (error.code === 409 || error.code === 404)) {
          this.add(key)
        } else {
          this.#retryLater(key, error)
        }
      }
    }
    this.#running = false
    if (this.#pending.size > 0 && !this.#stopped) this.#schedule()
    this.onDrained?.()
  }

  #retryLater(key: string, error: unknown): void {
    const failures = (this.#failures.get(key) ?? 0) + 1
    this.#failures.set(key, failures)
    // The first failure of a streak is worth a log line; its repeats would only flood it.
    if (failures === 1)
      console.error(`cluster-sim: ${this.#name} controller failed on ${key} (will retry):`, error)
    if (this.#retryTimers.has(key)) return
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1))
    const timer = setTimeout(() => {
      this.#retryTimers.delete(key)
      this.add(key)
    }, delay)
    timer.unref()
    this.#retryTimers.set(key, timer)
  }
}
