import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { OperationAccepted, SaveTemplateRequest, VmParams } from '@vmdeck/shared'
import { createVm } from '../kube/api/vm-requests.ts'
import { templateManifest } from '../lib/vm-template.ts'
import { recordTask } from '../plugins/app/tasks.ts'
import { identityOf } from '../plugins/app/user-access.ts'

/** "Save as template": a stopped, labelled copy of the VM in its namespace, created as the user. */
const vmTemplate: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/template',
    {
      schema: {
        tags: ['templates'],
        summary: 'Save a copy of the VM as a template (a labelled VM kept stopped)',
        params: VmParams,
        body: SaveTemplateRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params
      const identity = identityOf(request)
      const { vm } = request.routeVm
      const target = request.body
      const manifest = templateManifest(vm, target)
      await recordTask(
        request,
        {
          action: 'create',
          target: { namespace, kind: 'VirtualMachine', name: target.name },
          parameters: { template: 'true', source: name },
        },
        () =>
          createVm(request.cluster.clientFor(identity.token), namespace, manifest, {
            dryRun: false,
          }),
      )
      request.log.info({ user: identity.username, namespace, name, target }, 'vm saved as template')
      return reply.code(202).send({
        accepted: true,
        message: `Saving VM ${name} as template ${target.name}.`,
        namespace,
        name: target.name,
      })
    },
  )
}

export default vmTemplate
