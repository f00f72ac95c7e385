/**
 * Runs `handle(key)` for keys as they are enqueued: never twice at once for one key, and a key
 * enqueued while it runs runs once more afterwards (events coalesce, as in a work queue). The
 * handler reads the latest state itself, so only the key travels.
 */
export class KeyedWorker {
  readonly #running = new Set<string>()
  readonly #dirty = new Set<string>()
  readonly #inFlight = new Set<Promise<void>>()
  readonly #handle: (key: string) => Promise<void>
  readonly #onError: (key: string, error: unknown) => void
  #closed = false

  constructor(
    handle: (key: string) => Promise<void>,
    onError: (key: string, error: unknown) => void,
  ) {
    this.#handle = handle
    this.#onError = onError
  }

  enqueue(key: string): void {
    if (this.#closed) return
    if (this.#running.has(key)) {
      this.#dirty.add(key)
      return
    }
    this.#running.add(key)
    const run = (async () => {
      try {
        do {
          this.#dirty.delete(key)
          try {
            await this.#handle(key)
          } catch (error) {
            this.#onError(key, error)
          }
        } while (this.#dirty.has(key) && !this.#closed)
      } finally {
        this.#running.delete(key)
      }
    })()
    this.#inFlight.add(run)
    void run.finally(() => this.#inFlight.delete(run))
  }

  /** Takes no more keys and resolves when the running handlers have finished. */
  async close(): Promise<void> {
    this.#closed = true
    await Promise.all([...this.#inFlight])
  }
}
