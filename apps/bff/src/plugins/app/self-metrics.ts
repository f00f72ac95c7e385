import type { FastifyInstance } from 'fastify'
import type { PrometheusClient } from '../../lib/prometheus-client.ts'

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
