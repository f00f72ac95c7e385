import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ClusterParams,
  NodeMetricQuery,
  NodeMetricsResponse,
  VmMetricParams,
  VmMetricQuery,
  VmMetricResponse,
} from '@vmdeck/shared'
import type { FastifyRequest } from 'fastify'
import type { AccessControl } from '../kube/access.ts'
import type { Cluster } from '../kube/cluster.ts'
import { httpError } from '../kube/http-error.ts'
import { matrix } from '../lib/metric-matrix.ts'
import type { PrometheusClient } from '../lib/prometheus-client.ts'
import { nodeCpuQuery, nodeMemoryQuery, rateWindow, stepFor, vmMetricQuery } from '../lib/promql.ts'
import { decide } from '../lib/reviewed.ts'
import { identityOf } from '../plugins/app/user-access.ts'

/** Charts of one VM and of the nodes, from the cluster's Prometheus, for those who may see them. */
const metrics: FastifyPluginAsyncTypebox = async (fastify) => {
  // Per-user decisions (SelfSubjectAccessReview with the user's token), cached briefly and
  // dropped when RBAC changes: the cluster's shared AccessControl.
  const accessFor = (cluster: Cluster): AccessControl => cluster.access

  const tokenOf = (request: FastifyRequest): string => identityOf(request).token

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
}

export default metrics
