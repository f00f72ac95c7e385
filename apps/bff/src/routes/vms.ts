import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApiErrorBody, ClusterParams, VmList, VmListQuery } from '@vmdeck/shared'
import { getCluster } from '../lib/get-cluster.ts'
import { httpError } from '../lib/http-error.ts'
import { InvalidCursorError, queryVms } from '../lib/query-vms.ts'

const vms: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/v1/clusters/:cluster/vms',
    {
      schema: {
        params: ClusterParams,
        querystring: VmListQuery,
        response: { 200: VmList, '4xx': ApiErrorBody, '5xx': ApiErrorBody },
      },
    },
    async (request) => {
      const cluster = getCluster(fastify, request.params.cluster)
      try {
        return queryVms(cluster.vms.summaries(), request.query)
      } catch (err) {
        if (err instanceof InvalidCursorError) throw httpError(400, err.message, 'INVALID_CURSOR')
        throw err
      }
    },
  )
}

export default vms
