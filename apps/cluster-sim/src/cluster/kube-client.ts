import { Agent, request as httpsRequest } from 'node:https'
import type { IncomingMessage } from 'node:http'
import { StatusError } from '../kube/status-error.ts'

export interface KubeClientOptions {
  /** `https://host:port` of kube-apiserver. */
  url: string
  /** PEM of the cluster CA that signed the API server's certificate. */
  ca: string
  /** Bearer token of the identity the simulator acts as. */
  token: string
}

export interface RequestOptions {
  body?: unknown
  contentType?: string
  headers?: Record<string, string>
  signal?: AbortSignal
}

export interface RawResponse {
  status: number
  headers: IncomingMessage['headers']
  text: string
}

export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: Record<string, unknown> }
  | { type: 'ERROR'; object: Record<string, unknown> }

/**
 * One HTTPS client of kube-apiserver for the whole simulator: a keep-alive agent trusting the
 * cluster CA, JSON in and out, failures turned into the API server's own `StatusError`.
 */
export class KubeClient {
  readonly url: string
  readonly ca: string
  readonly #token: string
  readonly #agent: Agent
  readonly #watchAgent: Agent

  constructor(options: KubeClientOptions) {
    this.url = options.url
    this.ca = options.ca
    this.#token = options.token
    this.#agent = new Agent({ ca: options.ca, keepAlive: true, maxSockets: 64 })
    // Watches hold their socket for as long as the stream lasts (minutes): in the requests' pool
    // of 64 they left too few sockets for the requests, and a node side with a few dozen watches
    // queued its pod and VMI status writes behind them (a 2,000-VM fleet's launcher pods sat
    // Pending for minutes). Each watch gets a connection of its own, as HTTP/1.1 requires anyway.
    this.#watchAgent = new Agent({ ca: options.ca, keepAlive: false })
  }

  /** A request answered with the raw status and text, whatever the status. */
  raw(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const body =
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body)
      const req = httpsRequest(
        this.url + path,
        {
          method,
          agent: this.#agent,
          headers: {
            Authorization: `Bearer ${this.#token}`,
            // client-go's default: virt-api's subresource routes declare no representation, so
            // go-restful answers a bare `application/json` with 406 Not Acceptable.
            Accept: 'application/json, */*',
            // An explicit length: Go's server answers the next request on a kept-alive
            // connection with 400 after a chunked DELETE body.
            ...(body !== undefined
              ? {
                  'Content-Type': options.contentType ?? 'application/json',
                  'Content-Length': String(Buffer.byteLength(body)),
                }
              : {}),
            ...options.headers,
          },
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          )
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  /** A JSON request; a non-2xx answer throws the server's Status as a `StatusError`. */
  async json<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    let res = await this.raw(method, path, options)
    // 429 with Retry-After (e.g. a new CRD's storage still initializing): wait and retry, as
    // client-go's request.go does up to 10 times.
    for (let attempt = 0; res.status === 429 && attempt < 10; attempt++) {
      const seconds = Number(res.headers['retry-after'] ?? 1)
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(Math.max(seconds, 0.1), 10) * 1000),
      )
      res = await this.raw(method, path, options)
    }
    if (res.status >= 200 && res.status < 300) return JSON.parse(res.text || 'null') as T
    throw toStatusError(res)
  }

  /**
   * A watch stream (`?watch=1`): calls `onEvent` per event until the server ends the stream or
   * `signal` aborts; resolves when the stream ends, rejects with a `StatusError` when refused.
   */
  watch(path: string, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        this.url + path,
        {
          method: 'GET',
          agent: this.#watchAgent,
          headers: { Authorization: `Bearer ${this.#token}`, Accept: 'application/json' },
          signal,
        },
        (res) => {
          if ((res.statusCode ?? 0) >= 300) {
            const chunks: Buffer[] = []
            res.on('data', (chunk: Buffer) => chunks.push(chunk))
            res.on('end', () =>
              reject(
                toStatusError({
                  status: res.statusCode ?? 0,
                  headers: res.headers,
                  text: Buffer.concat(chunks).toString('utf8'),
                }),
              ),
            )
            return
          }
          // Events are newline-delimited JSON (k8s.io/apimachinery/pkg/watch/json).
          let pending = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            pending += chunk
            let newline: number
            while ((newline = pending.indexOf('\n')) >= 0) {
              const line = pending.slice(0, newline)
              pending = pending.slice(newline + 1)
              if (line.trim()) onEvent(JSON.parse(line) as WatchEvent)
            }
          })
          res.on('end', () => resolve())
          res.on('error', () => resolve())
          res.on('aborted', () => resolve())
        },
      )
      req.on('error', (error) => {
        if (signal.aborted) resolve()
        else reject(error)
      })
      req.end()
    })
  }

  close(): void {
    this.#agent.destroy()
    this.#watchAgent.destroy()
  }
}

function toStatusError(res: RawResponse): StatusError {
  try {
    const status = JSON.parse(res.text) as {
      kind?: string
      reason?: string
      message?: string
      details?: Record<string, unknown>
      code?: number
    }
    if (status.kind === 'Status')
      return new StatusError(
        status.code ?? res.status,
        status.reason ?? 'Unknown',
        status.message ?? res.text,
        status.details,
      )
  } catch {
    // not JSON: fall through
  }
  return new StatusError(res.status, 'Unknown', res.text.slice(0, 500) || `HTTP ${res.status}`)
}
