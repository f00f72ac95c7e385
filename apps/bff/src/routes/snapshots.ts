import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  OperationAccepted,
  RestoreRequest,
  SnapshotCreateRequest,
  SnapshotParams,
  VmParams,
  VmSnapshotList,
} from '@vmdeck/shared'
import { randomBytes } from 'node:crypto'
import {
  createRestore,
  createSnapshot,
  deleteSnapshot,
  getSnapshot,
} from '../kube/api/snapshot-requests.ts'
import type { KubeClient } from '../kube/kube-client.ts'
import { kubeError } from '../kube/kube-error.ts'
import { httpError } from '../kube/http-error.ts'
import { snapshotsOf } from '../kube/snapshots.ts'
import type { VirtualMachine } from '../kube/types.ts'
import { runStrategyOf } from '../kube/view-models/run-strategy.ts'
import { recordTask, vmTarget } from '../plugins/app/tasks.ts'
import { identityOf } from '../plugins/app/user-access.ts'

const suffix = () => randomBytes(4).toString('hex').slice(0, 5)
const timestampName = () =>
  new Date().toISOString().replace(/[-:T]/g, '').replace(/\..*$/, '').toLowerCase()

const snapshots: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/snapshots',
    {
      schema: {
        tags: ['snapshots'],
        summary: "The VM's snapshots, newest first, with their latest restore",
        params: VmParams,
        response: { 200: VmSnapshotList },
      },
    },
    async (request) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      return {
        items: await snapshotsOf(cluster.clientFor(identity.token), namespace, name, {
          strict: true,
        }),
      }
    },
  )

  fastify.post(
    '/snapshots',
    {
      schema: {
        tags: ['snapshots'],
        summary: 'Take a snapshot of the VM (online when it runs)',
        params: VmParams,
        body: SnapshotCreateRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const { vm } = request.routeVm
      const inProgress = (vm as VirtualMachine).status?.snapshotInProgress
      if (inProgress)
        throw httpError(
          409,
          `Snapshot ${inProgress} of VM ${name} is still in progress; wait for it to finish.`,
          'K8S_CONFLICT',
        )
      const snapshotName =
        request.body.name ??
        `${name}-${timestampName()}-${suffix()}`.slice(0, 63).replace(/-+$/, '')
      await recordTask(
        request,
        { action: 'snapshot', target: vmTarget(request), parameters: { snapshot: snapshotName } },
        () => createSnapshot(cluster.clientFor(identity.token), namespace, name, snapshotName),
      )
      request.log.info({ user: identity.username, namespace, name, snapshotName }, 'snapshot')
      return reply.code(202).send({
        accepted: true,
        message: `Taking snapshot ${snapshotName} of VM ${name}.`,
        namespace,
        name: snapshotName,
      })
    },
  )

  fastify.delete(
    '/snapshots/:snapshot',
    {
      schema: {
        tags: ['snapshots'],
        summary: 'Delete a snapshot of the VM',
        params: SnapshotParams,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name, snapshot } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const client = cluster.clientFor(identity.token)
      await ownSnapshot(client, namespace, name, snapshot)
      await recordTask(
        request,
        { action: 'delete-snapshot', target: vmTarget(request), parameters: { snapshot } },
        () => deleteSnapshot(client, namespace, snapshot),
      )
      request.log.info({ user: identity.username, namespace, name, snapshot }, 'snapshot delete')
      return reply.code(202).send({
        accepted: true,
        message: `Deleting snapshot ${snapshot}.`,
        namespace,
        name: snapshot,
      })
    },
  )

  fastify.post(
    '/snapshots/:snapshot/restore',
    {
      schema: {
        tags: ['snapshots'],
        summary: 'Restore the VM from one of its snapshots (the VM must be stopped)',
        params: SnapshotParams,
        body: RestoreRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name, snapshot } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const { vm, vmi } = request.routeVm
      // KubeVirt restores only into a stopped VM: say so plainly instead of a restore that hangs.
      // A VMI that has ended (Succeeded, Failed) is a stopped VM's until virt-controller removes it;
      // KubeVirt's restore waits for that.
      const phase = (vmi as { status?: { phase?: string } } | undefined)?.status?.phase
      const vmiRuns = vmi !== undefined && phase !== 'Succeeded' && phase !== 'Failed'
      if (vmiRuns || runStrategyOf(vm) !== 'Halted')
        throw httpError(
          409,
          `VM ${name} must be stopped before it can be restored from snapshot ${snapshot}. Stop it, then restore.`,
          'VM_MUST_BE_STOPPED',
        )
      const client = cluster.clientFor(identity.token)
      const found = await ownSnapshot(client, namespace, name, snapshot)
      if (!found.status?.readyToUse)
        throw httpError(
          409,
          `Snapshot ${snapshot} is not ready to use yet (phase ${found.status?.phase ?? 'unknown'}).`,
          'K8S_CONFLICT',
        )
      const restoreName = `${snapshot}-restore-${suffix()}`.slice(0, 63)
      await recordTask(
        request,
        { action: 'restore', target: vmTarget(request), parameters: { snapshot, restoreName } },
        () => createRestore(client, namespace, name, snapshot, restoreName),
      )
      request.log.info({ user: identity.username, namespace, name, snapshot }, 'restore')
      return reply.code(202).send({
        accepted: true,
        message: `Restoring VM ${name} from snapshot ${snapshot}.`,
        namespace,
        name: restoreName,
      })
    },
  )
}

/** The snapshot, if it exists and belongs to this VM; a 404 otherwise. */
async function ownSnapshot(
  client: KubeClient,
  namespace: string,
  vmName: string,
  snapshot: string,
): Promise<{
  spec?: { source?: { name?: string } }
  status?: { readyToUse?: boolean; phase?: string }
}> {
  const notFound = () =>
    httpError(404, `There is no snapshot "${snapshot}" of VM ${vmName}.`, 'NOT_FOUND')
  const response = await getSnapshot(client, namespace, snapshot)
  if (response.status === 404) throw notFound()
  if (response.status >= 400) {
    throw kubeError(response.status, response.text, '')
  }
  const found = response.body as {
    spec?: { source?: { name?: string } }
    status?: { readyToUse?: boolean; phase?: string }
  }
  if (found.spec?.source?.name !== vmName) throw notFound()
  return found
}

export default snapshots
