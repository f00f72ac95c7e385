import type { PrometheusStatus } from '@vmdeck/shared'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { PrometheusClient, type PrometheusTarget } from '../../lib/prometheus-client.ts'
import { SelfMetrics } from './self-metrics.ts'

export interface PrometheusOptions {
  /** Prometheus per cluster id; the key `*` serves every cluster that has none of its own. */
  targets?: Record<string, PrometheusTarget>
  /** A query that takes longer fails with 503 (default 5 s). */
  timeoutMs?: number
  /** Identical queries within this time share one answer (default 5 s). */
  cacheTtlMs?: number
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
