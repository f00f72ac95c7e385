import type { PrometheusStatus } from '@vmdeck/shared'
import { HttpError, withDetail } from '../kube/http-error.ts'
import { kubevirtProbe, usedRecordingRules } from './promql.ts'

export interface PrometheusTarget {
  /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus.monitoring:9090`. */
  url: string
  /** How often Prometheus scrapes KubeVirt; sets the finest step and the rate() window. Default 30. */
  scrapeIntervalSeconds?: number
}

/** One series of a Prometheus matrix or vector answer. */
export interface PromSeries {
  metric: Record<string, string>
  values?: [number, string][]
  value?: [number, string]
}

interface PromAnswer {
  status: 'success' | 'error'
  data?: { resultType: string; result: PromSeries[] }
  error?: string
  errorType?: string
}

export const unavailable = (message: string) =>
  new HttpError(503, message, 'PROMETHEUS_UNAVAILABLE')

/** The Prometheus of one cluster: range and instant queries with a deadline and a short cache. */
export class PrometheusClient {
  readonly url: string
  readonly scrapeIntervalSeconds: number
  readonly #timeoutMs: number
  readonly #cacheTtlMs: number
  readonly #cache = new Map<string, { until: number; answer: Promise<PromSeries[]> }>()
  #status: { until: number; value: Promise<PrometheusStatus> } | undefined
  readonly stats = { queries: 0, cached: 0, failed: 0 }

  constructor(target: PrometheusTarget, options: { timeoutMs: number; cacheTtlMs: number }) {
    this.url = target.url.replace(/\/+$/, '')
    this.scrapeIntervalSeconds = target.scrapeIntervalSeconds ?? 30
    this.#timeoutMs = options.timeoutMs
    this.#cacheTtlMs = options.cacheTtlMs
  }

  queryRange(expr: string, start: number, end: number, step: number): Promise<PromSeries[]> {
    return this.#cached('/api/v1/query_range', {
      query: expr,
      start: String(start),
      end: String(end),
      step: String(step),
    })
  }

  /** An instant query at `time` (unix seconds), or now. */
  query(expr: string, time?: number): Promise<PromSeries[]> {
    return this.#cached('/api/v1/query', {
      query: expr,
      ...(time === undefined ? {} : { time: String(time) }),
    })
  }

  /** Reachable, holding KubeVirt metrics, with or without the recording rules; checked at most every 10 s. */
  status(): Promise<PrometheusStatus> {
    const now = Date.now()
    if (this.#status && this.#status.until > now) return this.#status.value
    const value = this.#checkStatus()
    this.#status = { until: now + 10_000, value }
    return value
  }

  /** Whether the queries may use KubeVirt's recording rules; false while that is unknown. */
  async recordingRules(): Promise<boolean> {
    return (await this.status()).recordingRules === true
  }

  async #checkStatus(): Promise<PrometheusStatus> {
    try {
      const [data, rules] = await Promise.all([
        // A status is part of the cluster list: it must not hold it up for long.
        this.#get('/api/v1/query', { query: kubevirtProbe }, 2000),
        this.#get('/api/v1/rules', { type: 'record' }, 2000).catch(() => undefined),
      ])
      const names = new Set<string>()
      for (const group of (rules as { groups?: { rules?: { name?: string }[] }[] } | undefined)
        ?.groups ?? [])
        for (const rule of group.rules ?? []) if (rule.name) names.add(rule.name)
      const recordingRules = usedRecordingRules.every((rule) => names.has(rule))
      if ((data as PromAnswer['data'])?.result.length === 0)
        return {
          state: 'no-data',
          message:
            'Prometheus answers but holds no KubeVirt metrics yet: it may have just started, or it does not scrape KubeVirt.',
          recordingRules,
        }
      return { state: 'ok', recordingRules }
    } catch (err) {
      return { state: 'unreachable', message: (err as Error).message }
    }
  }

  #cached(path: string, params: Record<string, string>): Promise<PromSeries[]> {
    const key = `${path}?${new URLSearchParams(params).toString()}`
    const now = Date.now()
    const hit = this.#cache.get(key)
    if (hit && hit.until > now) {
      this.stats.cached++
      return hit.answer
    }
    if (this.#cache.size > 500)
      for (const [k, entry] of this.#cache) if (entry.until <= now) this.#cache.delete(k)
    if (this.#cache.size > 500) this.#cache.clear()
    this.stats.queries++
    const answer = this.#get(path, params).then(
      (data) => (data as PromAnswer['data'])?.result ?? [],
    )
    this.#cache.set(key, { until: now + this.#cacheTtlMs, answer })
    answer.catch(() => {
      this.stats.failed++
      this.#cache.delete(key)
    })
    return answer
  }

  async #get(
    path: string,
    params: Record<string, string>,
    timeoutMs = this.#timeoutMs,
  ): Promise<unknown> {
    const url = new URL(this.url + path)
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
    if (path.startsWith('/api/v1/query'))
      url.searchParams.set('timeout', `${Math.max(1, Math.floor(timeoutMs / 1000))}s`)
    let response: Response
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } }
      if (e.name === 'TimeoutError' || e.name === 'AbortError')
        throw unavailable(
          `Prometheus did not answer within ${timeoutMs / 1000} s; charts are unavailable until it does.`,
        )
      throw withDetail(
        unavailable('Prometheus could not be reached; charts are unavailable until it is back.'),
        e.cause?.code ?? e.cause?.message ?? e.message,
      )
    }
    let body: PromAnswer | undefined
    try {
      body = (await response.json()) as PromAnswer
    } catch {
      body = undefined
    }
    if (response.ok && body?.status === 'success') return body.data
    const why = body?.error ?? `HTTP ${response.status}`
    // 400 and 422 mean our query is wrong (a bug here); the rest is Prometheus being unwell.
    if (response.status === 400 || response.status === 422)
      throw new HttpError(502, `Prometheus refused a query: ${why}`, 'PROMETHEUS_ERROR')
    throw withDetail(unavailable('Prometheus answered with an error.'), why)
  }
}
