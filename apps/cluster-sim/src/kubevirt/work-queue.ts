import { StatusError } from '../apiserver/status-error.ts'

/**
 * A controller work queue: keys added while a batch runs are handled in the next batch, each key
 * at most once per batch (client-go's rate-limited queue without the rate limit). A conflict
 * (another writer won) requeues the key, as controllers do.
 */
export class WorkQueue {
  readonly #pending = new Set<string>()
  readonly #handle: (key: string) => void
  readonly #name: string
  #scheduled = false
  #stopped = false
  /** Called after each batch (the queue may be idle now). */
  onDrained: (() => void) | undefined

  constructor(name: string, handle: (key: string) => void) {
    this.#name = name
    this.#handle = handle
  }

  get idle(): boolean {
    return !this.#scheduled && this.#pending.size === 0
  }

  add(key: string): void {
    if (this.#stopped) return
    this.#pending.add(key)
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => this.#drain())
  }

  stop(): void {
    this.#stopped = true
    this.#pending.clear()
  }

  #drain(): void {
    this.#scheduled = false
    if (this.#stopped) return
    const keys = [...this.#pending]
    this.#pending.clear()
    for (const key of keys) {
      try {
        this.#handle(key)
      } catch (error) {
        if (error instanceof StatusError && (error.code === 409 || error.code === 404)) {
          this.add(key)
        } else {
          console.error(`cluster-sim: ${this.#name} controller failed on ${key}:`, error)
        }
      }
    }
    this.onDrained?.()
  }
}
