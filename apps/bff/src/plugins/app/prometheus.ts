import type { PrometheusStatus } from '@vmdeck/shared'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { withDetail, HttpError } from '../../kube/http-error.ts'
import { kubevirtProbe, usedRecordingRules } from '../../lib/promql.ts'

export interface PrometheusTarget {
  /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus.monitoring:9090`. */
  url: string
  /** How often Prometheus scrapes KubeVirt; sets the finest step and the rate() window. Default 30. */
  scrapeIntervalSeconds?: number
}

export interface PrometheusOptions {
  /** Prometheus per cluster id; the key `*` serves every cluster that has none of its own. */
  targets?: Record<string, PrometheusTarget>
  /** A query that takes longer fails with 503 (default 5 s). */
  timeoutMs?: number
  /** Identical queries within this time share one answer (default 5 s). */
  cacheTtlMs?: number
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

export interface PrometheusRegistry {
  /** The cluster's Prometheus client, or undefined when none is configured. */
  forCluster(clusterId: string): PrometheusClient | undefined
  status(clusterId: string): Promise<PrometheusStatus>
}

declare module 'fastify' {
  interface FastifyInstance {
    prometheus: PrometheusRegistry
    /** The BFF's own figures for `GET /metrics`. */
    selfMetrics: SelfMetrics
  }
}

/** Request counts and process figures of this BFF, in Prometheus' text format. */
export class SelfMetrics {
  readonly #requests = new Map<string, number>()
  #durationSum = 0
  #durationCount = 0
  readonly #started = Date.now() / 1000
  readonly #clients: () => Iterable<[string, PrometheusClient]>

  constructor(clients: () => Iterable<[string, PrometheusClient]>) {
    this.#clients = clients
  }

  observe(method: string, statusCode: number, seconds: number): void {
    const key = `method="${method}",code="${statusCode}"`
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1)
    this.#durationSum += seconds
    this.#durationCount++
  }

  render(fastify: FastifyInstance): string {
    const lines: string[] = []
    const family = (name: string, type: string, help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
      for (const [labels, value] of samples)
        lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`)
    }
    family(
      'vmdeck_http_requests_total',
      'counter',
      'HTTP requests answered, by method and status code.',
      [...this.#requests],
    )
    family(
      'vmdeck_http_request_duration_seconds_sum',
      'counter',
      'Time spent answering HTTP requests.',
      [['', this.#durationSum]],
    )
    family('vmdeck_http_request_duration_seconds_count', 'counter', 'HTTP requests timed.', [
      ['', this.#durationCount],
    ])
    const clusters = [...fastify.clusters.values()]
    family(
      'vmdeck_cluster_cache_synced',
      'gauge',
      'Whether the shared caches of a cluster are synced.',
      clusters.map((c) => [`cluster="${c.id}"`, c.vms.synced ? 1 : 0]),
    )
    family(
      'vmdeck_cluster_vms',
      'gauge',
      'VMs in the shared cache of a cluster.',
      clusters.map((c) => [`cluster="${c.id}"`, c.vms.size]),
    )
    const prom = [...this.#clients()]
    family(
      'vmdeck_prometheus_queries_total',
      'counter',
      'Queries sent to Prometheus, answered from the cache, and failed.',
      prom.flatMap(([id, c]) => [
        [`cluster="${id}",result="sent"`, c.stats.queries] as [string, number],
        [`cluster="${id}",result="cached"`, c.stats.cached],
        [`cluster="${id}",result="failed"`, c.stats.failed],
      ]),
    )
    const usage = process.cpuUsage()
    const memory = process.memoryUsage()
    family('process_cpu_seconds_total', 'counter', 'User and system CPU time of the BFF.', [
      ['', (usage.user + usage.system) / 1e6],
    ])
    family('process_resident_memory_bytes', 'gauge', 'Resident memory of the BFF.', [
      ['', memory.rss],
    ])
    family('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use.', [['', memory.heapUsed]])
    family('process_start_time_seconds', 'gauge', 'When the BFF started.', [['', this.#started]])
    return lines.join('\n') + '\n'
  }
}

/**
 * Parses `VMDECK_PROMETHEUS_URL`: one URL for every cluster, or `cluster=url` pairs separated by
 * commas (`*=url` for the rest); `VMDECK_PROMETHEUS_SCRAPE_INTERVAL` (e.g. `30s`) applies to all.
 */
export function prometheusTargetsFromEnv(
  env: NodeJS.ProcessEnv,
): Record<string, PrometheusTarget> | undefined {
  const spec = env.VMDECK_PROMETHEUS_URL?.trim()
  if (!spec) return undefined
  const interval = env.VMDECK_PROMETHEUS_SCRAPE_INTERVAL?.trim()
  const seconds = interval ? Number(interval.replace(/s$/, '')) : undefined
  if (seconds !== undefined && !(seconds > 0))
    throw new Error('VMDECK_PROMETHEUS_SCRAPE_INTERVAL: use seconds, e.g. 30s')
  const targets: Record<string, PrometheusTarget> = {}
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const eq = entry.indexOf('=')
    const [cluster, url] =
      eq > 0 && !entry.slice(0, eq).includes(':')
        ? [entry.slice(0, eq), entry.slice(eq + 1)]
        : ['*', entry]
    if (!/^https?:\/\//.test(url))
      throw new Error(`VMDECK_PROMETHEUS_URL: ${url} is not an http(s) URL`)
    targets[cluster] = { url, ...(seconds ? { scrapeIntervalSeconds: seconds } : {}) }
  }
  return targets
}

async function prometheus(fastify: FastifyInstance, options: PrometheusOptions): Promise<void> {
  const clients = new Map<string, PrometheusClient>()
  const settings = { timeoutMs: options.timeoutMs ?? 5000, cacheTtlMs: options.cacheTtlMs ?? 5000 }
  const clientFor = (id: string): PrometheusClient | undefined => {
    const target = options.targets?.[id] ?? options.targets?.['*']
    if (!target) return undefined
    let client = clients.get(id)
    if (!client) {
      client = new PrometheusClient(target, settings)
      clients.set(id, client)
    }
    return client
  }
  fastify.decorate('selfMetrics', new SelfMetrics(() => clients.entries()))
  fastify.addHook('onResponse', async (request, reply) => {
    fastify.selfMetrics.observe(request.method, reply.statusCode, reply.elapsedTime / 1000)
  })
  fastify.decorate('prometheus', {
    forCluster: clientFor,
    async status(id: string): Promise<PrometheusStatus> {
      const client = clientFor(id)
      if (!client)
        return {
          state: 'unconfigured',
          message:
            'No Prometheus is configured for this cluster (VMDECK_PROMETHEUS_URL), so vmdeck has no metrics to chart.',
        }
      return client.status()
    },
  })
}

export default fp(prometheus, { name: 'prometheus', dependencies: ['clusters'] })
