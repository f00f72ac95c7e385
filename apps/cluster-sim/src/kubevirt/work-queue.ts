import { StatusError } from '../apiserver/status-error.ts'

/**
 * A controller work queue: keys added while a batch runs are handled in the next batch, each key
 * at most once per batch (client-go's rate-limited queue without the rate limit). A conflict
 * (another writer won) requeues the key, as controllers do.
 */
export class WorkQueue {
  readonly #pending = new Set<string>()
  readonly #handle: (key: string) => void | Promise<void>
  readonly #name: string
  #scheduled = false
  #stopped = false
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
    return this.#batch
  }

  #running = false
  #batch: Promise<void> = Promise.resolve()

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
      } catch (error) {
        if (error instanceof StatusError && (error.code === 409 || error.code === 404)) {
          this.add(key)
        } else {
          console.error(`cluster-sim: ${this.#name} controller failed on ${key}:`, error)
        }
      }
    }
    this.#running = false
    if (this.#pending.size > 0 && !this.#stopped) this.#schedule()
    this.onDrained?.()
  }
}
