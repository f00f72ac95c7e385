import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CapacityReport, ClusterParams, MaintenancePlan, MaintenanceQuery } from '@vmdeck/shared'
import type { FastifyRequest } from 'fastify'
import { isVisible } from '../kube/access.ts'
import { httpError } from '../kube/http-error.ts'
import { capacityReport, planMaintenance } from '../lib/insight-planner.ts'
import { addVmiState, defaultEvictionStrategy, loadSnapshot } from '../lib/insight-snapshot.ts'
import { identityOf, visibleVmNamespaces } from '../plugins/app/user-access.ts'

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
}

export default insight
