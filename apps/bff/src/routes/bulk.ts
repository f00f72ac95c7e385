import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  BULK_MAX,
  BulkAccepted,
  BulkRequest,
  ClusterParams,
  OperationAccepted,
  TaskParams,
  type BulkTarget,
} from '@vmdeck/shared'
import { isVisible } from '../kube/access.ts'
import type { Cluster } from '../kube/cluster.ts'
import { httpError } from '../kube/http-error.ts'
import { startBulk, type BulkVm } from '../lib/bulk-run.ts'
import { taskVisible } from '../lib/query-tasks.ts'
import { queryVms } from '../lib/query-vms.ts'
import { BadListQuery } from '../lib/vm-list-filter.ts'
import { taskVisibility } from '../plugins/app/task-access.ts'
import { identityOf, visibleVmNamespaces, vmNotFound } from '../plugins/app/user-access.ts'

const SAMPLE = 20

/**
 * Bulk actions: one action on many VMs (named, every VM a filter matches, or the failed ones of an
 * earlier bulk action), run as one parent task with a child task per VM; and cancelling one.
 */
const bulk: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/vms/bulk',
    {
      schema: {
        tags: ['operations'],
        summary: 'One action on many VMs, as a parent task with a task per VM (dryRun: a preview)',
        params: ClusterParams,
        body: BulkRequest,
        response: { 200: BulkAccepted, 202: BulkAccepted },
      },
    },
    async (request, reply) => {
      const cluster = request.cluster
      const identity = identityOf(request)
      const { action, targets, matching, retryOf, dryRun } = request.body
      if ([targets, matching, retryOf].filter((x) => x !== undefined).length !== 1)
        throw httpError(
          400,
          'Name the VMs with exactly one of "targets", "matching" or "retryOf".',
          'BAD_REQUEST',
        )
      const visibility = await visibleVmNamespaces(cluster, identity)
      let chosen: BulkTarget[]
      if (targets) {
        // A VM the user may not see is refused like a missing one, and nothing starts.
        for (const t of targets)
          if (!isVisible(visibility, t.namespace) || !cluster.vms.get(t.namespace, t.name))
            throw vmNotFound(t.namespace, t.name)
        chosen = unique(targets)
      } else if (matching) {
        let found: ReturnType<typeof queryVms>
        try {
          found = queryVms(cluster.vms.index, { ...matching, limit: BULK_MAX + 1 }, visibility)
        } catch (err) {
          // A search the list's language cannot parse: the same 400 as the list answers.
          if (err instanceof BadListQuery) throw httpError(400, err.message, err.code)
          throw err
        }
        if (found.total > BULK_MAX)
          throw httpError(
            400,
            `The filter matches ${found.total} VMs; one bulk action takes at most ${BULK_MAX}. Narrow the filter.`,
            'BAD_REQUEST',
          )
        chosen = found.items.map(({ namespace, name }) => ({ namespace, name }))
      } else {
        chosen = failedChildren(cluster, retryOf ?? '', await taskVisibility(cluster, identity))
        chosen = chosen.filter((t) => cluster.vms.get(t.namespace, t.name))
      }
      if (chosen.length === 0)
        throw httpError(400, 'No VM matches: there is nothing to do.', 'BAD_REQUEST')
      const sample = chosen.slice(0, SAMPLE)
      const namespaces = new Set(chosen.map((t) => t.namespace))
      const scope =
        namespaces.size === 1 ? `in ${[...namespaces][0]}` : `in ${namespaces.size} namespaces`
      if (dryRun)
        return reply.code(200).send({
          count: chosen.length,
          sample,
          message: `Would ${action} ${chosen.length} VM${chosen.length === 1 ? '' : 's'} ${scope}.`,
        })
      const vms: BulkVm[] = chosen.map((t) => {
        const uid = cluster.vms.get(t.namespace, t.name)?.uid
        const vmiUid =
          action === 'restart' || action === 'force-restart'
            ? cluster.vms.instance(t.namespace, t.name)?.uid
            : undefined
        return { ...t, ...(uid ? { uid } : {}), ...(vmiUid ? { vmiUid } : {}) }
      })
      const taskId = startBulk({
        recorder: fastify.tasksOf(cluster),
        store: cluster.tasks,
        user: identity,
        client: cluster.clientFor(identity.token),
        action,
        vms,
        ...(namespaces.size === 1 ? { namespace: [...namespaces][0]! } : {}),
      })
      request.log.info(
        { user: identity.username, action, count: vms.length, task: taskId },
        'bulk action',
      )
      return reply.code(202).send({
        taskId,
        count: vms.length,
        sample,
        message: `${action} of ${vms.length} VM${vms.length === 1 ? '' : 's'} ${scope} started (task ${taskId}).`,
      })
    },
  )

  fastify.post(
    '/tasks/:id/cancel',
    {
      schema: {
        tags: ['operations'],
        summary: 'Stop a running bulk action: VMs not yet started are left as they are',
        params: TaskParams,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const cluster = request.cluster
      const identity = identityOf(request)
      const task = cluster.tasks.get(request.params.id)
      // Only its own user cancels a bulk action; anyone else gets the 404 of a missing task.
      if (
        !task ||
        task.user !== identity.username ||
        !taskVisible(task, await taskVisibility(cluster, identity))
      )
        throw httpError(404, `There is no task "${request.params.id}".`, 'NOT_FOUND')
      if (task.action !== 'bulk')
        throw httpError(409, 'Only bulk actions can be cancelled.', 'K8S_CONFLICT')
      if (task.outcome !== 'Running')
        throw httpError(409, `Task ${task.id} already ended (${task.outcome}).`, 'K8S_CONFLICT')
      const started = cluster.tasks.children(task.id).length
      await fastify.tasksOf(cluster).end(task.id, {
        outcome: 'Cancelled',
        message: `Cancelled by ${identity.username} after ${started} of ${task.parameters.count ?? '?'} VMs were started.`,
      })
      return reply.code(202).send({
        accepted: true,
        message: `Cancelling task ${task.id}: no further VM is started.`,
        namespace: task.namespace,
        name: task.id,
      })
    },
  )
}

const unique = (targets: BulkTarget[]): BulkTarget[] => [
  ...new Map(targets.map((t) => [`${t.namespace}/${t.name}`, t])).values(),
]

/** The VMs whose part of an earlier bulk action failed (the same 404 for one the user may not see). */
function failedChildren(
  cluster: Cluster,
  id: string,
  visibility: Awaited<ReturnType<typeof taskVisibility>>,
): BulkTarget[] {
  const parent = cluster.tasks.get(id)
  if (!parent || parent.action !== 'bulk' || !taskVisible(parent, visibility))
    throw httpError(404, `There is no task "${id}".`, 'NOT_FOUND')
  return cluster.tasks
    .children(id)
    .filter((c) => c.outcome === 'Failed' && taskVisible(c, visibility))
    .map((c) => ({ namespace: c.target.namespace ?? '', name: c.target.name }))
}

export default bulk
