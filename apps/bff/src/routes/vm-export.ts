import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ClusterParams, VmExportQuery } from '@vmdeck/shared'
import { httpError } from '../kube/http-error.ts'
import { chosenColumns, exportChunks, exportedVms } from '../lib/vm-export.ts'
import { BadListQuery } from '../lib/vm-list-filter.ts'
import { identityOf, visibleVmNamespaces } from '../plugins/app/user-access.ts'

const contentTypes = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' }

const vmExport: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/vms/export',
    {
      // No partialVmCache: an export waits for the whole fleet rather than miss VMs.
      schema: {
        tags: ['vms'],
        summary: 'Every VM the list filters match, as CSV or JSON with the chosen columns',
        params: ClusterParams,
        querystring: VmExportQuery,
      },
    },
    async (request, reply) => {
      const cluster = request.cluster
      const { format } = request.query
      const visibility = await visibleVmNamespaces(cluster, identityOf(request))
      let vms
      try {
        vms = exportedVms(cluster.vms.index, request.query, visibility)
      } catch (err) {
        if (err instanceof BadListQuery) throw httpError(400, err.message, err.code)
        throw err
      }
      const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-')
      return reply
        .header('content-type', contentTypes[format])
        .header('content-disposition', `attachment; filename="vms-${stamp}.${format}"`)
        .send(Readable.from(exportChunks(vms, chosenColumns(request.query.columns), format)))
    },
  )
}

export default vmExport
