import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { resolveVm } from '../plugins/app/route-context.ts'
import snapshots from './snapshots.ts'
import vmActions from './vm-actions.ts'
import vmConfig from './vm-config.ts'
import vmDetail from './vm-detail.ts'
import vmTasks from './vm-tasks.ts'
import vmTemplate from './vm-template.ts'

/**
 * Everything under `/api/v1/clusters/{cluster}/namespaces/{namespace}/vms/{name}`: the VM is
 * resolved once, before any handler (`request.routeVm`), with the same 404 for a VM that does not
 * exist and one the caller may not see.
 */
const vmScope: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('preHandler', resolveVm)
  await fastify.register(vmDetail)
  await fastify.register(vmActions)
  await fastify.register(snapshots)
  await fastify.register(vmTasks)
  await fastify.register(vmConfig)
  await fastify.register(vmTemplate)
}

export default vmScope
