import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ClusterParams, VmCreateForm, VmCreateQuery, VmCreateResult } from '@vmdeck/shared'
import { recordTask } from '../plugins/app/tasks.ts'
import { identityOf } from '../plugins/app/user-access.ts'
import { vmFromForm } from '../lib/vm-from-form.ts'
import { createVm as create } from '../kube/api/vm-requests.ts'

const createVm: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/vms',
    {
      schema: {
        tags: ['vms'],
        summary:
          'Create a VM from the form model; ?dryRun=true answers the object without creating it',
        params: ClusterParams,
        querystring: VmCreateQuery,
        body: VmCreateForm,
        response: {
          200: VmCreateResult,
          201: VmCreateResult,
        },
      },
    },
    async (request, reply) => {
      const cluster = request.cluster
      const identity = identityOf(request)
      const form = request.body
      const dryRun = request.query.dryRun === true
      const manifest = vmFromForm(form)
      // The API server (and KubeVirt's admission) validate and default it, as the user; in a dry
      // run they answer the exact object they would have stored.
      const send = () =>
        create(cluster.clientFor(identity.token), form.namespace, manifest, { dryRun })
      // A dry run changes nothing: no task.
      const created = dryRun
        ? await send()
        : await recordTask(
            request,
            {
              action: 'create',
              target: { namespace: form.namespace, kind: 'VirtualMachine', name: form.name },
            },
            send,
          )
      if (!dryRun)
        request.log.info(
          { user: identity.username, namespace: form.namespace, name: form.name },
          'vm created',
        )
      return reply
        .code(dryRun ? 200 : 201)
        .send({ namespace: form.namespace, name: form.name, dryRun, manifest: created ?? manifest })
    },
  )
}

export default createVm
