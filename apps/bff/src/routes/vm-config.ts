import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  VmConfig,
  VmConfigApplied,
  VmConfigReview,
  VmConfigSections,
  VmParams,
  vmConfigRequest,
  type VmConfigSection,
} from '@vmdeck/shared'
import {
  applyChange,
  readVm,
  retryingStatusRaces,
  reviewChange,
} from '../lib/vm-config/vm-config-change.ts'
import { toVmConfig } from '../lib/vm-config/vm-config-view.ts'
import { recordTask, vmTarget } from '../plugins/app/tasks.ts'
import { identityOf, VMS } from '../plugins/app/user-access.ts'

/**
 * The Configuration tab: `GET …/config`, and per section `POST …/config/{section}/review` (a dry
 * run answering the spec diff) and `PATCH …/config/{section}` (the write, with when it applies).
 */
const vmConfig: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/config',
    {
      schema: {
        tags: ['vms'],
        summary: "The VM's editable configuration, with whether the user may change it",
        params: VmParams,
        response: { 200: VmConfig },
      },
    },
    async (request) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const client = cluster.clientFor(identity.token)
      const [{ vm, vmi }, decision] = await Promise.all([
        readVm(client, { namespace, name }),
        cluster.access.can(identity.token, { verb: 'update', ...VMS, namespace }),
      ])
      return toVmConfig(vm, vmi as Parameters<typeof toVmConfig>[1], {
        editable: decision.allowed,
        ...(decision.allowed
          ? {}
          : {
              readOnlyReason: `You may view this VM but not change it (no "update" on virtualmachines in ${namespace}).`,
            }),
      })
    },
  )

  for (const section of Object.keys(VmConfigSections) as VmConfigSection[]) {
    const body = vmConfigRequest(section)
    fastify.post(
      `/config/${section}/review`,
      {
        schema: {
          tags: ['vms'],
          summary: `Check a change of the VM's ${section} (dry run as the user); answers the spec diff`,
          params: VmParams,
          body,
          response: { 200: VmConfigReview },
        },
      },
      async (request) => {
        const { namespace, name } = request.params
        const client = request.cluster.clientFor(identityOf(request).token)
        const input = request.body
        const { changes } = await retryingStatusRaces(() =>
          reviewChange(client, { namespace, name }, section, input),
        )
        return { version: input.version, changes }
      },
    )
    fastify.patch(
      `/config/${section}`,
      {
        schema: {
          tags: ['vms'],
          summary: `Change the VM's ${section}; answers whether it applies now, live, or at the next restart`,
          params: VmParams,
          body,
          response: { 200: VmConfigApplied },
        },
      },
      async (request) => {
        const { namespace, name } = request.params
        const identity = identityOf(request)
        const client = request.cluster.clientFor(identity.token)
        // Recorded in the task history, like every operation vmdeck carries out.
        const applied = await recordTask(
          request,
          { action: 'configure', target: vmTarget(request), parameters: { section } },
          () =>
            applyChange(client, { namespace, name }, section, request.body, (check, ms, signal) =>
              request.cluster.vmChanges.until(namespace, name, check, ms, signal),
            ),
        )
        request.log.info(
          {
            user: identity.username,
            namespace,
            name,
            section,
            takesEffect: applied.takesEffect,
            paths: applied.changes.map((c) => c.path),
          },
          'vm configuration changed',
        )
        return applied
      },
    )
  }
}

export default vmConfig
