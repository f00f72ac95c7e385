import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CloneRequest,
  MigrateRequest,
  MigrationParams,
  OperationAccepted,
  VmActionParams,
  VmActionRequest,
  VmParams,
} from '@vmdeck/shared'
import { cloneInNamespace } from '../kube/api/clone-requests.ts'
import { cancelMigration, createVm, migrateVm, runVmOperation } from '../kube/api/vm-requests.ts'
import { HttpError, httpError } from '../kube/http-error.ts'
import { cloneVmManifest } from '../lib/vm-from-form.ts'
import { powerOperations } from '../lib/vm-operations.ts'
import { recordTask, vmTarget } from '../plugins/app/tasks.ts'
import { identityOf } from '../plugins/app/user-access.ts'

const vmActions: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/:action',
    {
      schema: {
        tags: ['operations'],
        summary:
          'Power operations: start, stop, restart, pause, unpause, force-stop, force-restart',
        params: VmActionParams,
        body: VmActionRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name, action } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const operation = powerOperations[action]
      if (request.body.paused !== undefined && action !== 'start')
        throw httpError(400, 'Only start takes "paused".', 'BAD_REQUEST')
      const body = action === 'start' && request.body.paused ? { paused: true } : operation.body
      // A restart ends when a VMI other than this one runs.
      const replaced =
        action === 'restart' || action === 'force-restart'
          ? cluster.vms.instance(namespace, name)?.uid
          : undefined
      const parameters = replaced ? { vmiUid: replaced } : {}
      await recordTask(request, { action, target: vmTarget(request), parameters }, async () => {
        try {
          await runVmOperation(cluster.clientFor(identity.token), namespace, name, {
            ...operation,
            body,
          })
        } catch (err) {
          // No VMI to pause means the VM does not run: a conflict with its state, not a missing VM.
          if (
            err instanceof HttpError &&
            err.statusCode === 404 &&
            operation.kind === 'virtualmachineinstances'
          )
            throw httpError(409, `VM ${name} is not running.`, 'K8S_CONFLICT')
          throw err
        }
      })
      request.log.info({ user: identity.username, namespace, name, action }, 'vm operation')
      return reply.code(202).send({
        accepted: true,
        message: `${operation.verb} requested for VM ${name}.`,
        namespace,
        name,
      })
    },
  )

  fastify.post(
    '/migrate',
    {
      schema: {
        tags: ['operations'],
        summary: 'Live-migrate the VM, optionally to a chosen node',
        params: VmParams,
        body: MigrateRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const { targetNode } = request.body
      if (targetNode) {
        const node = cluster.nodes.get(targetNode)
        if (!node) throw httpError(400, `There is no node "${targetNode}".`, 'UNKNOWN_NODE')
        if (!node.schedulable)
          throw httpError(409, `Node ${targetNode} is cordoned; pick another node.`, 'K8S_CONFLICT')
        if (cluster.vms.get(namespace, name)?.node === targetNode)
          throw httpError(409, `VM ${name} already runs on ${targetNode}.`, 'K8S_CONFLICT')
      }
      await recordTask(
        request,
        { action: 'migrate', target: vmTarget(request), parameters: { targetNode } },
        () => migrateVm(cluster.clientFor(identity.token), namespace, name, targetNode),
      )
      request.log.info({ user: identity.username, namespace, name, targetNode }, 'vm migrate')
      return reply.code(202).send({
        accepted: true,
        message: `Migration of VM ${name} requested${targetNode ? ` to ${targetNode}` : ''}.`,
        namespace,
        name,
      })
    },
  )

  fastify.delete(
    '/migrations/:migration',
    {
      schema: {
        tags: ['operations'],
        summary: 'Cancel a live migration (deletes the VirtualMachineInstanceMigration)',
        params: MigrationParams,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name, migration } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const known = cluster.migrations.get(namespace, migration)
      if (!known || known.vmName !== name)
        throw httpError(
          404,
          `There is no migration "${migration}" of VM ${name} in namespace ${namespace}.`,
          'NOT_FOUND',
        )
      if (!known.active)
        throw httpError(
          409,
          `Migration ${migration} already ${known.phase === 'Succeeded' ? 'succeeded' : 'ended'}; there is nothing to cancel.`,
          'K8S_CONFLICT',
        )
      await recordTask(
        request,
        { action: 'cancel-migration', target: vmTarget(request), parameters: { migration } },
        () => cancelMigration(cluster.clientFor(identity.token), namespace, migration),
      )
      request.log.info({ user: identity.username, namespace, name, migration }, 'migration cancel')
      return reply.code(202).send({
        accepted: true,
        message: `Cancelling migration ${migration} of VM ${name}.`,
        namespace,
        name: migration,
      })
    },
  )

  fastify.post(
    '/clone',
    {
      schema: {
        tags: ['operations'],
        summary: 'Clone the VM into a new VM (same or another namespace)',
        params: VmParams,
        body: CloneRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const { vm } = request.routeVm
      const target = request.body
      const targetNamespace = target.namespace ?? namespace
      if (targetNamespace === namespace && target.name === name)
        throw httpError(400, 'A clone needs a name other than its source.', 'BAD_REQUEST')
      const client = cluster.clientFor(identity.token)
      if (targetNamespace === namespace) {
        // KubeVirt's clone API works within one namespace only.
        const created = await recordTask(
          request,
          {
            action: 'clone',
            target: vmTarget(request),
            parameters: { targetNamespace: namespace, targetName: target.name },
          },
          () =>
            cloneInNamespace(client, namespace, name, {
              name: target.name,
              namespace,
              start: target.start ?? false,
            }),
        )
        request.log.info({ user: identity.username, namespace, name, target }, 'vm clone')
        return reply.code(202).send({
          accepted: true,
          message: `Cloning VM ${name} into ${target.name}.`,
          namespace,
          name: created ?? target.name,
        })
      }
      // Across namespaces there is no clone API: a new VM whose disks CDI clones from the source's.
      const copy = cloneVmManifest(vm, {
        name: target.name,
        namespace: targetNamespace,
        start: target.start ?? false,
      })
      await recordTask(
        request,
        {
          action: 'clone',
          target: vmTarget(request),
          parameters: { targetNamespace, targetName: target.name },
        },
        () => createVm(client, targetNamespace, copy, { dryRun: false }),
      )
      request.log.info({ user: identity.username, namespace, name, target }, 'vm clone')
      return reply.code(202).send({
        accepted: true,
        message: `Cloning VM ${name} into ${targetNamespace}/${target.name}.`,
        namespace: targetNamespace,
        name: target.name,
      })
    },
  )
}

export default vmActions
