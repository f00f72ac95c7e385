import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { VmSummary } from '@vmdeck/shared'
import { ClusterParams, VmList, VmListQuery } from '@vmdeck/shared'
import { httpError } from '../kube/http-error.ts'
import { InvalidCursorError, queryVms } from '../lib/query-vms.ts'
import { isVisible, type Visibility } from '../kube/access.ts'
import { identityOf, visibleVmNamespaces } from '../plugins/app/user-access.ts'

function* visibleOnly(vms: Iterable<VmSummary>, visibility: Visibility): Iterable<VmSummary> {
  for (const vm of vms) if (visibility.all || isVisible(visibility, vm.namespace)) yield vm
}

const vms: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/vms',
    {
      schema: {
        tags: ['vms'],
        summary: 'VM summaries, filtered, sorted and paged on the server, with per-status counts',
        params: ClusterParams,
        querystring: VmListQuery,
        response: { 200: VmList },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const visibility = await visibleVmNamespaces(cluster, identityOf(request))
      try {
        return queryVms(visibleOnly(cluster.vms.summaries(), visibility), request.query)
      } catch (err) {
        if (err instanceof InvalidCursorError) throw httpError(400, err.message, 'INVALID_CURSOR')
        throw err
      }
    },
  )
}

export default vms
