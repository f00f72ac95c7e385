import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ClusterParams,
  FleetMetricsResponse,
  type NodeUtilization,
  type PrometheusStatus,
} from '@vmdeck/shared'
import { isVisible } from '../kube/access.ts'
import { HttpError } from '../kube/http-error.ts'
import { instant, ranked } from '../lib/metric-matrix.ts'
import type { PromSeries } from '../lib/prometheus-client.ts'
import {
  migrationProgressQueries,
  nodeCpuQuery,
  nodeMemoryQuery,
  rateWindow,
  topCpuQuery,
  topMemoryQuery,
} from '../lib/promql.ts'
import { decide, reviewed } from '../lib/reviewed.ts'
import { identityOf, VMS } from '../plugins/app/user-access.ts'

/**
 * `GET /api/v1/clusters/{c}/metrics/fleet`: the overview's figures: VM counts by status, the VMs
 * using most CPU and memory, migrations in flight and (for those who may list nodes) node load,
 * all limited to what the user may see.
 */
const fleetMetrics: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/metrics/fleet',
    {
      schema: {
        params: ClusterParams,
        response: { 200: FleetMetricsResponse },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const token = identityOf(request).token
      const access = cluster.access
      const [visibility, nodesAllowed] = await Promise.all([
        reviewed(access.visibleNamespaces(token, VMS, cluster.vms.namespaces())),
        decide(access.can(token, { verb: 'list', resource: 'nodes' })),
      ])
      const counts = new Map<string, number>()
      for (const vm of cluster.vms.summaries())
        if (isVisible(visibility, vm.namespace))
          counts.set(vm.status, (counts.get(vm.status) ?? 0) + 1)
      const vmCounts = [...counts].map(([status, count]) => ({ status, count }))
      const namespaces = visibility.all ? ('all' as const) : [...visibility.namespaces]

      const client = fastify.prometheus.forCluster(cluster.id)
      const empty = { vmCounts, topCpu: [], topMemory: [], migrations: [] }
      if (!client) return { ...empty, prometheus: await fastify.prometheus.status(cluster.id) }
      const ctx = {
        window: rateWindow(client.scrapeIntervalSeconds, client.scrapeIntervalSeconds),
        recordingRules: await client.recordingRules(),
      }
      try {
        const some = namespaces === 'all' || namespaces.length > 0
        const none = Promise.resolve<PromSeries[]>([])
        const progress = migrationProgressQueries(namespaces === 'all' ? 'all' : namespaces)
        const [topCpu, topMemory, processed, remaining, nodeCpu, nodeMemory] = await Promise.all([
          some ? client.query(topCpuQuery(namespaces, ctx)) : none,
          some ? client.query(topMemoryQuery(namespaces, ctx)) : none,
          some ? client.query(progress.processed) : none,
          some ? client.query(progress.remaining) : none,
          nodesAllowed ? client.query(nodeCpuQuery(ctx).expr) : none,
          nodesAllowed ? client.query(nodeMemoryQuery().expr) : none,
        ])
        const migrations = remaining
          .map((r) => {
            const match = processed.find(
              (p) => p.metric.namespace === r.metric.namespace && p.metric.name === r.metric.name,
            )
            return {
              namespace: r.metric.namespace ?? '',
              name: r.metric.name ?? '',
              ...(r.metric.node ? { node: r.metric.node } : {}),
              processedBytes: instant(match) ?? 0,
              remainingBytes: instant(r) ?? 0,
            }
          })
          // A finished migration reports nothing left to send.
          .filter((m) => m.remainingBytes > 0)
        const nodes = new Map<string, NodeUtilization>()
        for (const [series, key] of [
          [nodeCpu, 'cpu'],
          [nodeMemory, 'memory'],
        ] as const)
          for (const s of series) {
            const node = s.metric.instance ?? ''
            const entry = nodes.get(node) ?? { node, cpu: null, memory: null }
            entry[key] = instant(s)
            nodes.set(node, entry)
          }
        return {
          vmCounts,
          topCpu: ranked(topCpu),
          topMemory: ranked(topMemory),
          migrations,
          ...(nodesAllowed
            ? { nodes: [...nodes.values()].sort((a, b) => a.node.localeCompare(b.node)) }
            : {}),
          prometheus: await client.status(),
        }
      } catch (err) {
        if (!(err instanceof HttpError) || err.statusCode !== 503) throw err
        const status: PrometheusStatus = { state: 'unreachable', message: err.message }
        return { ...empty, prometheus: status }
      }
    },
  )
}

export default fleetMetrics
