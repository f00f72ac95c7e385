import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CapacityReport,
  ClusterParams,
  K8sName,
  MaintenancePlan,
  MaintenanceQuery,
  MigrationAdvice,
  MigrationHistory,
  RebalancePlan,
  RebalanceRequest,
} from '@vmdeck/shared'
import { Type } from 'typebox'
import type { FastifyRequest } from 'fastify'
import { isVisible } from '../kube/access.ts'
import { httpError } from '../kube/http-error.ts'
import { adviseMigration, type MigrationSample } from '../lib/insight-advisor.ts'
import { migrationPairs } from '../lib/insight-migration-history.ts'
import { capacityReport, planMaintenance } from '../lib/insight-planner.ts'
import { planRebalance } from '../lib/insight-rebalance.ts'
import type { PrometheusClient } from '../lib/prometheus-client.ts'
import { migrationAdvisorQueries, nodeMemoryQuery } from '../lib/promql.ts'
import { addVmiState, defaultEvictionStrategy, loadSnapshot } from '../lib/insight-snapshot.ts'
import { identityOf, MIGRATIONS, visibleVmNamespaces } from '../plugins/app/user-access.ts'

const CAVEATS = [
  "An estimate of the default scheduler's filters (node selector, required node affinity, taints, CPU, memory, pod count) and its least-allocated scoring, not the scheduler itself.",
  'Inter-pod affinity, topology spread, volume topology, devices and scheduler extenders are not modelled.',
  'Headroom counts every VM of the cluster, including those you may not see.',
]

/** Capacity questions are about hosts: only those who may list nodes ask them. */
async function mayListNodes(request: FastifyRequest): Promise<void> {
  const decision = await request.cluster.access.can(identityOf(request).token, {
    verb: 'list',
    resource: 'nodes',
  })
  if (!decision.allowed)
    throw httpError(403, 'You may not list the nodes of this cluster.', 'K8S_FORBIDDEN')
}

/** The migration's numbers now; none when Prometheus is absent, unwell or has no series. */
async function sample(
  client: PrometheusClient | undefined,
  vm: { namespace: string; name: string },
): Promise<MigrationSample> {
  if (!client) return {}
  const queries = migrationAdvisorQueries(vm)
  const keys = Object.keys(queries) as (keyof typeof queries)[]
  const answers = await Promise.all(keys.map((key) => client.query(queries[key]).catch(() => [])))
  const result: MigrationSample = {}
  keys.forEach((key, i) => {
    const value = Number(answers[i]?.[0]?.value?.[1])
    if (answers[i]?.length && Number.isFinite(value)) result[key] = value
  })
  return result
}

/** `…/insight/*`: what-if answers for maintenance and capacity, computed on demand. */
const insight: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/maintenance',
    {
      schema: {
        tags: ['nodes'],
        summary:
          'What entering maintenance on these nodes would do to each VM, and the headroom after',
        params: ClusterParams,
        querystring: MaintenanceQuery,
        response: { 200: MaintenancePlan },
      },
    },
    async (request) => {
      await mayListNodes(request)
      const cluster = request.cluster
      const targets = [...new Set(request.query.nodes.split(','))]
      for (const name of targets)
        if (!cluster.nodes.get(name)) throw httpError(404, `nodes "${name}" not found`, 'NOT_FOUND')
      const [snapshot, strategy] = await Promise.all([
        loadSnapshot(cluster),
        defaultEvictionStrategy(cluster),
      ])
      await addVmiState(cluster, snapshot, new Set(targets))
      const { vms, headroom } = planMaintenance(snapshot, targets, strategy)
      const visibility = await visibleVmNamespaces(cluster, identityOf(request))
      const shown = vms.filter((vm) => isVisible(visibility, vm.namespace))
      return {
        nodes: targets,
        vms: shown,
        hiddenVms: vms.length - shown.length,
        defaultEvictionStrategy: strategy,
        ...(headroom ? { headroom } : {}),
        caveats: CAVEATS,
      }
    },
  )

  fastify.get(
    '/capacity',
    {
      schema: {
        tags: ['nodes'],
        summary:
          'Per node: requested vs allocatable, VMs, and whether the cluster could lose it (N-1)',
        params: ClusterParams,
        response: { 200: CapacityReport },
      },
    },
    async (request) => {
      await mayListNodes(request)
      return capacityReport(await loadSnapshot(request.cluster))
    },
  )

  fastify.get(
    '/migrations',
    {
      schema: {
        tags: ['operations'],
        summary: 'Recent migrations per source and target node: count, outcome, durations',
        params: ClusterParams,
        response: { 200: MigrationHistory },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const all = [...cluster.migrations.list()]
      const visibility = await cluster.access.visibleNamespaces(
        identityOf(request).token,
        MIGRATIONS,
        all.map((m) => m.namespace),
      )
      return { pairs: migrationPairs(all.filter((m) => isVisible(visibility, m.namespace))) }
    },
  )

  fastify.get(
    '/migrations/:namespace/:name',
    {
      schema: {
        tags: ['operations'],
        summary: 'Advice on one migration: converging or not, why, and the remedies',
        params: Type.Object({ ...ClusterParams.properties, namespace: K8sName, name: K8sName }),
        response: { 200: MigrationAdvice },
      },
    },
    async (request) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const decision = await cluster.access.can(identityOf(request).token, {
        verb: 'get',
        ...MIGRATIONS,
        namespace,
      })
      const migration = cluster.migrations.get(namespace, name)
      // One answer for a migration that does not exist and one the user may not see.
      if (!decision.allowed || !migration)
        throw httpError(
          404,
          `migration "${name}" not found in namespace "${namespace}"`,
          'NOT_FOUND',
        )
      const client = fastify.prometheus.forCluster(cluster.id)
      const numbers = migration.active
        ? await sample(client, { namespace, name: migration.vmName })
        : {}
      return adviseMigration(migration, numbers)
    },
  )

  fastify.post(
    '/rebalance',
    {
      schema: {
        tags: ['nodes'],
        summary:
          'A dry run: the live migrations that would bring every node into a utilisation band, with why, in waves',
        params: ClusterParams,
        body: RebalanceRequest,
        response: { 200: RebalancePlan },
      },
    },
    async (request) => {
      await mayListNodes(request)
      const { low, high } = request.body
      if (low >= high) throw httpError(400, 'The band needs low below high.', 'BAD_REQUEST')
      const cluster = request.cluster
      const snapshot = await loadSnapshot(cluster)
      await addVmiState(cluster, snapshot, new Set(snapshot.nodes.map((n) => n.name)))
      const visibility = await visibleVmNamespaces(cluster, identityOf(request))
      const plan = planRebalance(snapshot, request.body, (vm) =>
        isVisible(visibility, vm.namespace),
      )
      // What the nodes actually use beside what is requested, when Prometheus knows.
      const client = fastify.prometheus.forCluster(cluster.id)
      const actual = client ? await client.query(nodeMemoryQuery().expr).catch(() => []) : []
      const used = new Map(actual.map((s) => [s.metric.instance ?? '', Number(s.value?.[1])]))
      return {
        ...plan,
        nodes: plan.nodes.map((n) => {
          const memory = used.get(n.name)
          return memory !== undefined && Number.isFinite(memory)
            ? { ...n, actualMemory: memory }
            : n
        }),
      }
    },
  )
}

export default insight
