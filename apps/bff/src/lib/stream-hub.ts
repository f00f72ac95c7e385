import type { StreamEvent, StreamTopic } from '@vmdeck/shared'
import { SseEncoder } from './sse-encoder.ts'

/** The socket side of one event stream (an `http.ServerResponse`). */
export interface StreamSink {
  readonly writableLength: number
  write(chunk: Buffer): boolean
  once(event: 'drain', listener: () => void): unknown
}

/** One open event stream as the hub sees it. */
export interface HubClient {
  sink: StreamSink
  /** Whether this client gets a change of `topic` in `namespace` (undefined: cluster-wide). */
  wants(topic: StreamTopic, namespace: string | undefined): boolean
  /** Clients with the same key want the same changes, so they share one batch's bytes. */
  filterKey: string
  /** Sends `sync` (the client refetches what it shows): after changes it had to skip. */
  resync(): void
  /** Still behind this long after falling behind: the client is cut off. */
  stuck(): void
}

export interface StreamHubOptions {
  /** A client with more bytes than this queued skips batches until it drains, then resyncs. */
  maxQueuedBytes?: number
  /** Batches go out at most this often (changes in between coalesce). */
  minIntervalMs?: number
  stuckAfterMs?: number
}

interface Pending {
  topic: StreamTopic
  namespace: string | undefined
  frame: Buffer
}

interface State {
  behind: boolean
  timer?: NodeJS.Timeout
}

/**
 * The fan-out of one cluster's changes to every open stream, built for a mass restart (10,000
 * changes in 10 s) under 1,000 streams: changes wait for the next batch (at most one per
 * `minIntervalMs`), where a newer change of the same object replaces the older one; each
 * batch is encoded once per distinct filter and written to each stream in one write. A stream
 * whose socket is backed up skips batches (its memory stays the socket's buffer) and gets
 * `sync` once it drains, so it refetches instead of replaying what it missed.
 */
export class StreamHub {
  readonly #clients = new Map<HubClient, State>()
  readonly #pending = new Map<string, Pending>()
  readonly #encoder = new SseEncoder()
  readonly #maxQueued: number
  readonly #minInterval: number
  readonly #stuckAfter: number
  #scheduled = false
  #lastFlush = 0
  /** Batches and socket writes so far (tests and benches read them). */
  readonly stats = { batches: 0, writes: 0, skipped: 0 }

  constructor(options: StreamHubOptions = {}) {
    this.#maxQueued = options.maxQueuedBytes ?? 256 * 1024
    this.#minInterval = options.minIntervalMs ?? 20
    this.#stuckAfter = options.stuckAfterMs ?? 5_000
  }

  get size(): number {
    return this.#clients.size
  }

  add(client: HubClient): () => void {
    this.#clients.set(client, { behind: false })
    return () => {
      clearTimeout(this.#clients.get(client)?.timer)
      this.#clients.delete(client)
    }
  }

  /** A change to the object `key` of `topic`; replaces a pending change of the same object. */
  publish(topic: StreamTopic, key: string, namespace: string | undefined, data: unknown): void {
    if (this.#clients.size === 0) return
    const frame = this.#encoder.frame({ event: topic, data } as StreamEvent)
    const id = `${topic}/${key}`
    // Deleted first, so the newest change also takes the newest place in the batch.
    this.#pending.delete(id)
    this.#pending.set(id, { topic, namespace, frame })
    this.#schedule()
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    const wait = this.#lastFlush + this.#minInterval - performance.now()
    if (wait <= 0) setImmediate(() => this.flush())
    else setTimeout(() => this.flush(), wait)
  }

  /** Every client refetches (changes were not sent one by one); pending changes are dropped. */
  resyncAll(): void {
    this.#pending.clear()
    for (const [client, state] of this.#clients) if (!state.behind) client.resync()
  }

  /** Writes the pending batch now (normally scheduled; tests call it). */
  flush(): void {
    this.#scheduled = false
    this.#lastFlush = performance.now()
    if (this.#pending.size === 0) return
    const batch = [...this.#pending.values()]
    this.#pending.clear()
    this.stats.batches++
    const bytes = new Map<string, Buffer>()
    for (const [client, state] of this.#clients) {
      if (state.behind) continue
      if (client.sink.writableLength > this.#maxQueued) {
        this.#fallBehind(client, state)
        continue
      }
      let chunk = bytes.get(client.filterKey)
      if (!chunk) {
        const frames = batch.filter((p) => client.wants(p.topic, p.namespace)).map((p) => p.frame)
        // One frame is written as it is (no copy); several are joined once for every client.
        chunk = frames.length === 1 && frames[0] ? frames[0] : Buffer.concat(frames)
        bytes.set(client.filterKey, chunk)
      }
      if (chunk.length === 0) continue
      client.sink.write(chunk)
      this.stats.writes++
    }
  }

  #fallBehind(client: HubClient, state: State): void {
    state.behind = true
    this.stats.skipped++
    state.timer = setTimeout(() => {
      if (this.#clients.get(client) === state) client.stuck()
    }, this.#stuckAfter)
    client.sink.once('drain', () => {
      if (this.#clients.get(client) !== state) return
      clearTimeout(state.timer)
      state.behind = false
      client.resync()
    })
  }
}
