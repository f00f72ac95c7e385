import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ClusterParams, VmMigrationList } from '@vmdeck/shared'
import { isVisible } from '../kube/access.ts'
import { identityOf, MIGRATIONS } from '../plugins/app/user-access.ts'

/** `GET /api/v1/clusters/{c}/migrations`: the live migrations of the namespaces the user may see. */
const migrations: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/migrations',
    {
      schema: {
        tags: ['operations'],
        summary: 'Live migrations the user may see, active first, then newest',
        params: ClusterParams,
        response: { 200: VmMigrationList },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const identity = identityOf(request)
      const all = [...cluster.migrations.list()]
      const visibility = await cluster.access.visibleNamespaces(
        identity.token,
        MIGRATIONS,
        all.map((m) => m.namespace),
      )
      return {
        items: all
          .filter((m) => isVisible(visibility, m.namespace))
          .sort(
            (a, b) => Number(b.active) - Number(a.active) || b.createdAt.localeCompare(a.createdAt),
          ),
      }
    },
  )
}

export default migrations
