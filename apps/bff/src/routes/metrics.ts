import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ClusterParams,
  FleetMetricsResponse,
  NodeMetricQuery,
  NodeMetricsResponse,
  VmMetricParams,
  VmMetricQuery,
  VmMetricResponse,
  type MetricMatrix,
  type MetricPoint,
  type MetricRange,
  type NodeUtilization,
  type PrometheusStatus,
} from '@vmdeck/shared'
import type { FastifyRequest } from 'fastify'
import { isVisible, type AccessControl } from '../kube/access.ts'
import type { Cluster } from '../kube/cluster.ts'
import { HttpError, httpError, withDetail } from '../kube/http-error.ts'
import {
  migrationProgressQueries,
  nodeCpuQuery,
  nodeMemoryQuery,
  rangeSeconds,
  rateWindow,
  stepFor,
  topCpuQuery,
  topMemoryQuery,
  vmMetricQuery,
  type MetricQuery,
  type QueryPart,
} from '../lib/promql.ts'
import type { PrometheusClient, PromSeries } from '../plugins/app/prometheus.ts'

/** Series per chart at most (a VM with many NICs or drives still gets one bounded answer). */
const MAX_SERIES = 24

const metrics: FastifyPluginAsyncTypebox = async (fastify) => {
  // Per-user decisions (SelfSubjectAccessReview with the user's token), cached briefly and
  // dropped when RBAC changes: the cluster's shared AccessControl.
  const accessFor = (cluster: Cluster): AccessControl => cluster.access

  const tokenOf = (request: FastifyRequest): string => {
    if (!request.identity) throw httpError(401, 'Log in first.', 'UNAUTHENTICATED')
    return request.identity.token
  }

  const prometheusFor = (cluster: Cluster): PrometheusClient => {
    const client = fastify.prometheus.forCluster(cluster.id)
    if (!client)
      throw httpError(
        503,
        `No Prometheus is configured for cluster "${cluster.id}" (VMDECK_PROMETHEUS_URL), so there are no metrics to chart.`,
        'PROMETHEUS_NOT_CONFIGURED',
      )
    return client
  }

  const decide = async (promise: Promise<{ allowed: boolean }>): Promise<boolean> =>
    (await reviewed(promise)).allowed

  fastify.get(
    '/namespaces/:namespace/vms/:name/metrics',
    {
      schema: {
        params: VmMetricParams,
        querystring: VmMetricQuery,
        response: { 200: VmMetricResponse },
      },
    },
    async (request) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const allowed = await decide(
        accessFor(cluster).can(tokenOf(request), {
          verb: 'get',
          group: 'kubevirt.io',
          resource: 'virtualmachines',
          namespace,
          name,
        }),
      )
      if (!allowed)
        throw httpError(
          403,
          `You may not see VM ${namespace}/${name}, so not its metrics either.`,
          'K8S_FORBIDDEN',
        )
      if (!cluster.vms.get(namespace, name))
        throw httpError(404, `There is no VM ${name} in namespace ${namespace}.`, 'NOT_FOUND')
      const client = prometheusFor(cluster)
      const range = request.query.range ?? '1h'
      const step = stepFor(range, client.scrapeIntervalSeconds)
      const ctx = {
        window: rateWindow(step, client.scrapeIntervalSeconds),
        recordingRules: await client.recordingRules(),
      }
      const query = vmMetricQuery(request.query.metric, { namespace, name }, ctx)
      return { metric: request.query.metric, ...(await matrix(client, query, range)) }
    },
  )

  fastify.get(
    '/metrics/nodes',
    {
      schema: {
        params: ClusterParams,
        querystring: NodeMetricQuery,
        response: { 200: NodeMetricsResponse },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const allowed = await decide(
        accessFor(cluster).can(tokenOf(request), { verb: 'list', resource: 'nodes' }),
      )
      if (!allowed)
        throw httpError(
          403,
          'You may not list nodes, so node metrics are not shown to you.',
          'K8S_FORBIDDEN',
        )
      const client = prometheusFor(cluster)
      const range = request.query.range ?? '1h'
      const step = stepFor(range, client.scrapeIntervalSeconds)
      const ctx = {
        window: rateWindow(step, client.scrapeIntervalSeconds),
        recordingRules: false,
      }
      const [cpu, memory] = await Promise.all([
        matrix(client, { unit: 'percent', parts: [nodeCpuQuery(ctx)] }, range),
        matrix(client, { unit: 'percent', parts: [nodeMemoryQuery()] }, range),
      ])
      return { cpu, memory }
    },
  )

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
      const token = tokenOf(request)
      const access = accessFor(cluster)
      const [visibility, nodesAllowed] = await Promise.all([
        reviewed(
          access.visibleNamespaces(
            token,
            { group: 'kubevirt.io', resource: 'virtualmachines' },
            cluster.vms.namespaces(),
          ),
        ),
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

/** An access review's answer; a review that could not be made is a 503, never a 500. */
async function reviewed<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise
  } catch (err) {
    if (err instanceof HttpError) throw err
    // The cause stays in the log: upstream error text can name internal hosts and addresses.
    throw withDetail(
      httpError(
        503,
        'The cluster could not check your access right now; try again.',
        'CLUSTER_UNAVAILABLE',
      ),
      (err as Error).message,
    )
  }
}

/** Runs a chart's queries on one step grid; missing samples become `null` points (gaps). */
async function matrix(
  client: PrometheusClient,
  query: MetricQuery,
  range: MetricRange,
): Promise<MetricMatrix> {
  const step = stepFor(range, client.scrapeIntervalSeconds)
  // Align the grid so that requests within a few seconds share one cached answer.
  const grain = Math.min(step, 5)
  const end = Math.floor(Date.now() / 1000 / grain) * grain
  const start = end - rangeSeconds[range]
  const answers = await Promise.all(
    query.parts.map((part: QueryPart) => client.queryRange(part.expr, start, end, step)),
  )
  const series = query.parts
    .flatMap((part, i) =>
      (answers[i] ?? []).map((s) => ({
        name: part.legend(s.metric),
        labels: s.metric,
        points: grid(s.values ?? [], start, end, step),
      })),
    )
    .slice(0, MAX_SERIES)
  return { unit: query.unit, range, step, start, end, series }
}

function grid(values: [number, string][], start: number, end: number, step: number): MetricPoint[] {
  const byTime = new Map(values.map(([t, v]) => [Math.round(t), v]))
  const points: MetricPoint[] = []
  for (let t = start; t <= end; t += step) {
    const raw = byTime.get(t)
    const value = raw === undefined ? NaN : Number(raw)
    points.push([t, Number.isFinite(value) ? value : null])
  }
  return points
}

function instant(series: PromSeries | undefined): number | null {
  const value = series?.value ? Number(series.value[1]) : NaN
  return Number.isFinite(value) ? value : null
}

function ranked(series: PromSeries[]) {
  return series
    .map((s) => ({
      namespace: s.metric.namespace ?? '',
      name: s.metric.name ?? '',
      value: instant(s) ?? 0,
    }))
    .sort((a, b) => b.value - a.value)
}

export default metrics
