import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ClusterParams, VmList, VmListQuery } from '@vmdeck/shared'
import { httpError } from '../kube/http-error.ts'
import { InvalidCursorError, queryVms } from '../lib/query-vms.ts'
import { BadListQuery } from '../lib/vm-list-filter.ts'
import { identityOf, visibleVmNamespaces } from '../plugins/app/user-access.ts'
import vmExport from './vm-export.ts'
import vmFolders from './vm-folders.ts'

const vms: FastifyPluginAsyncTypebox = async (fastify) => {
  await fastify.register(vmExport)
  await fastify.register(vmFolders)
  fastify.get(
    '/vms',
    {
      // A large fleet's first list comes in pages: the first page need not wait for the last.
      config: { partialVmCache: true },
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
        const list = queryVms(cluster.vms.index, request.query, visibility)
        return cluster.vms.loading ? { ...list, loading: true } : list
      } catch (err) {
        if (err instanceof InvalidCursorError) throw httpError(400, err.message, 'INVALID_CURSOR')
        if (err instanceof BadListQuery) throw httpError(400, err.message, err.code)
        throw err
      }
    },
  )
}

export default vms
