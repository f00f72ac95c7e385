import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ClusterInfo, type ClusterCapabilities } from '@vmdeck/shared'
import { Type } from 'typebox'
import type { Cluster } from '../kube/cluster.ts'

/** A cluster that is down keeps what was last detected; it is not asked again meanwhile. */
async function capabilitiesOf(cluster: Cluster): Promise<{ capabilities?: ClusterCapabilities }> {
  const capabilities = cluster.vms.synced
    ? await cluster.capabilities.get()
    : cluster.capabilities.last
  return capabilities ? { capabilities } : {}
}

const clusters: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '',
    { schema: { response: { 200: Type.Object({ items: Type.Array(ClusterInfo) }) } } },
    async () => ({
      items: await Promise.all(
        [...fastify.clusters.values()].map(async (cluster) => ({
          id: cluster.id,
          server: cluster.server,
          healthy: cluster.vms.synced,
          synced: cluster.vms.synced,
          ...(cluster.vms.synced
            ? {}
            : { message: 'The cluster API server is not answering; vmdeck keeps retrying.' }),
          prometheus: await fastify.prometheus.status(cluster.id),
          ...(await capabilitiesOf(cluster)),
        })),
      ),
    }),
  )
}

export default clusters
