import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ClusterInfo } from '@vmdeck/shared'
import { Type } from 'typebox'

const clusters: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/v1/clusters',
    { schema: { response: { 200: Type.Object({ items: Type.Array(ClusterInfo) }) } } },
    async () => ({
      items: [...fastify.clusters.values()].map((cluster) => ({
        id: cluster.id,
        server: cluster.server,
        healthy: cluster.vms.synced,
        synced: cluster.vms.synced,
        ...(cluster.vms.synced
          ? {}
          : { message: 'The cluster API server is not answering; vmdeck keeps retrying.' }),
      })),
    }),
  )
}

export default clusters
