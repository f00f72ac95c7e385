import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ClusterParams,
  folderPathProblem,
  MoveToFolderRequest,
  VmFolderList,
  VmParams,
} from '@vmdeck/shared'
import { Type } from 'typebox'
import { httpError } from '../kube/http-error.ts'
import { folderCounts, moveToFolder } from '../lib/vm-folders.ts'
import { resolveVm } from '../plugins/app/route-context.ts'
import { identityOf, visibleVmNamespaces } from '../plugins/app/user-access.ts'

const moveRoute: FastifyPluginAsyncTypebox = async (scope) => {
  // The same 404 for a VM that does not exist and one the caller may not see.
  scope.addHook('preHandler', resolveVm)
  scope.patch(
    '/folder',
    {
      schema: {
        tags: ['vms'],
        summary: 'Move the VM to a folder (its vmdeck.io/folder label); needs patch on the VM',
        params: VmParams,
        body: MoveToFolderRequest,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params
      const { folder } = request.body
      const problem = folder === null ? undefined : folderPathProblem(folder)
      if (problem) throw httpError(400, problem, 'INVALID_FOLDER')
      const identity = identityOf(request)
      await moveToFolder(request.cluster.clientFor(identity.token), namespace, name, folder)
      request.log.info({ user: identity.username, namespace, name, folder }, 'vm moved')
      return reply.code(204).send(null)
    },
  )
}

const vmFolders: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/vms/folders',
    {
      config: { partialVmCache: true },
      schema: {
        tags: ['vms'],
        summary: 'The folders of the VMs you may see, with their VMs counted per status',
        params: ClusterParams,
        response: { 200: VmFolderList },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const visibility = await visibleVmNamespaces(cluster, identityOf(request))
      return folderCounts(cluster.vms.index, visibility)
    },
  )

  await fastify.register(moveRoute, { prefix: '/namespaces/:namespace/vms/:name' })
}

export default vmFolders
