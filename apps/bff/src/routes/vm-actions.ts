import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  CloneRequest,
  MigrateRequest,
  MigrationParams,
  OperationAccepted,
  VmActionParams,
  VmActionRequest,
  VmParams,
  type VmPowerAction,
} from '@vmdeck/shared'
import { HttpError, httpError } from '../kube/http-error.ts'
import type { VirtualMachine } from '../kube/to-view-models.ts'
import { cloneVmManifest } from '../lib/vm-from-form.ts'
import { routeVm } from '../plugins/app/user-access.ts'

const errors = { '4xx': ApiErrorBody, '5xx': ApiErrorBody }
const base = '/api/v1/clusters/:cluster/namespaces/:namespace/vms/:name'
const subresources = '/apis/subresources.kubevirt.io/v1/namespaces'

/** Each power operation as KubeVirt's subresource API spells it (API.md §2.1, what virtctl sends). */
const operations: Record<
  VmPowerAction,
  {
    kind: 'virtualmachines' | 'virtualmachineinstances'
    subresource: string
    body: object
    verb: string
  }
> = {
  start: { kind: 'virtualmachines', subresource: 'start', body: {}, verb: 'Start' },
  stop: { kind: 'virtualmachines', subresource: 'stop', body: {}, verb: 'Stop' },
  restart: { kind: 'virtualmachines', subresource: 'restart', body: {}, verb: 'Restart' },
  pause: { kind: 'virtualmachineinstances', subresource: 'pause', body: {}, verb: 'Pause' },
  unpause: { kind: 'virtualmachineinstances', subresource: 'unpause', body: {}, verb: 'Unpause' },
  'force-stop': {
    kind: 'virtualmachines',
    subresource: 'stop',
    body: { gracePeriod: 0 },
    verb: 'Force stop',
  },
  'force-restart': {
    kind: 'virtualmachines',
    subresource: 'restart',
    body: { gracePeriodSeconds: 0 },
    verb: 'Force restart',
  },
}

const vmActions: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    `${base}/:action`,
    {
      schema: {
        tags: ['operations'],
        summary:
          'Power operations: start, stop, restart, pause, unpause, force-stop, force-restart',
        params: VmActionParams,
        body: VmActionRequest,
        response: { 202: OperationAccepted, ...errors },
      },
    },
    async (request, reply) => {
      const { namespace, name, action } = request.params
      const { cluster, identity } = await routeVm(fastify, request, request.params)
      const operation = operations[action]
      if (request.body.paused !== undefined && action !== 'start')
        throw httpError(400, 'Only start takes "paused".', 'BAD_REQUEST')
      const body = action === 'start' && request.body.paused ? { paused: true } : operation.body
      try {
        await cluster.clientFor(identity.token).call({
          method: 'PUT',
          path: `${subresources}/${namespace}/${operation.kind}/${name}/${operation.subresource}`,
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
    `${base}/migrate`,
    {
      schema: {
        tags: ['operations'],
        summary: 'Live-migrate the VM, optionally to a chosen node',
        params: VmParams,
        body: MigrateRequest,
        response: { 202: OperationAccepted, ...errors },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params
      const { cluster, identity } = await routeVm(fastify, request, request.params)
      const { targetNode } = request.body
      if (targetNode) {
        const node = cluster.nodes.get(targetNode)
        if (!node) throw httpError(400, `There is no node "${targetNode}".`, 'UNKNOWN_NODE')
        if (!node.schedulable)
          throw httpError(409, `Node ${targetNode} is cordoned; pick another node.`, 'K8S_CONFLICT')
        if (cluster.vms.get(namespace, name)?.node === targetNode)
          throw httpError(409, `VM ${name} already runs on ${targetNode}.`, 'K8S_CONFLICT')
      }
      await cluster.clientFor(identity.token).call({
        method: 'PUT',
        path: `${subresources}/${namespace}/virtualmachines/${name}/migrate`,
        body: targetNode ? { addedNodeSelector: { 'kubernetes.io/hostname': targetNode } } : {},
      })
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
    `${base}/migrations/:migration`,
    {
      schema: {
        tags: ['operations'],
        summary: 'Cancel a live migration (deletes the VirtualMachineInstanceMigration)',
        params: MigrationParams,
        response: { 202: OperationAccepted, ...errors },
      },
    },
    async (request, reply) => {
      const { namespace, name, migration } = request.params
      const { cluster, identity } = await routeVm(fastify, request, request.params)
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
      await cluster.clientFor(identity.token).call({
        method: 'DELETE',
        path: `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachineinstancemigrations/${migration}`,
      })
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
    `${base}/clone`,
    {
      schema: {
        tags: ['operations'],
        summary: 'Clone the VM into a new VM (same or another namespace)',
        params: VmParams,
        body: CloneRequest,
        response: { 202: OperationAccepted, ...errors },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params
      const { cluster, identity, vm } = await routeVm(fastify, request, request.params)
      const target = request.body
      const targetNamespace = target.namespace ?? namespace
      if (targetNamespace === namespace && target.name === name)
        throw httpError(400, 'A clone needs a name other than its source.', 'BAD_REQUEST')
      const client = cluster.clientFor(identity.token)
      if (targetNamespace === namespace) {
        // KubeVirt's clone API (API.md §5.3): a temporary snapshot + restore, same namespace only.
        const created = await client.call<{ metadata?: { name?: string } }>({
          method: 'POST',
          path: `/apis/clone.kubevirt.io/v1beta1/namespaces/${namespace}/virtualmachineclones`,
          body: {
            apiVersion: 'clone.kubevirt.io/v1beta1',
            kind: 'VirtualMachineClone',
            metadata: { generateName: `${name}-clone-` },
            spec: {
              source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name },
              target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: target.name },
              patches: [
                JSON.stringify({
                  op: 'add',
                  path: '/spec/runStrategy',
                  value: target.start ? 'Always' : 'Halted',
                }),
              ],
            },
          },
        })
        request.log.info({ user: identity.username, namespace, name, target }, 'vm clone')
        return reply.code(202).send({
          accepted: true,
          message: `Cloning VM ${name} into ${target.name}.`,
          namespace,
          name: created.metadata?.name ?? target.name,
        })
      }
      // Across namespaces there is no clone API: a new VM whose disks CDI clones from the source's.
      await client.call({
        method: 'POST',
        path: `/apis/kubevirt.io/v1/namespaces/${targetNamespace}/virtualmachines`,
        body: cloneVmManifest(vm as VirtualMachine, {
          name: target.name,
          namespace: targetNamespace,
          start: target.start ?? false,
        }),
      })
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
