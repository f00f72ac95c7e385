import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ClusterParams, NamespaceList } from '@vmdeck/shared'
import { isVisible } from '../kube/access.ts'
import { identityOf, VMS } from '../plugins/app/user-access.ts'

/**
 * `GET /api/v1/clusters/{c}/namespaces`: the namespaces in which the user may list VMs (what the
 * namespace picker offers). Names come from the shared cache; each passes the user's access check.
 */
const namespaces: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/namespaces',
    {
      schema: {
        tags: ['namespaces'],
        summary: 'Namespaces where the user may list virtual machines',
        params: ClusterParams,
        response: { 200: NamespaceList },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const identity = identityOf(request)
      const names = cluster.namespaceNames()
      const visibility = await cluster.access.visibleNamespaces(identity.token, VMS, names)
      return {
        items: names.filter((name) => isVisible(visibility, name)).map((name) => ({ name })),
      }
    },
  )
}

export default namespaces
