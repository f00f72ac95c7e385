import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Cluster } from '../../kube/cluster.ts'
import { TaskRecorder, type TaskRequest } from '../../lib/task-recorder.ts'
import type { ClusterView } from '../../lib/task-progress.ts'
import { identityOf } from './user-access.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The task recorder of a cluster (one per cluster, started with the app). */
    tasksOf(cluster: Cluster): TaskRecorder
  }
}

export interface TasksOptions {
  /** Where tasks about nodes are recorded: vmdeck's own namespace. */
  homeNamespace: string
  /** Ended tasks older than this are removed (default 30 days). */
  maxAgeMs?: number
  /** At most this many tasks per namespace (default 1,000). */
  maxPerNamespace?: number
  /** How long the cluster may take to show an operation done (default 5 min). */
  timeoutMs?: number
  /** How often running tasks are re-checked without a change (default 1 s). */
  followIntervalMs?: number
  /** This replica's name in the records (default: the host name, the pod's name). */
  replica?: string
  /** How often held console sessions are renewed (default 60 s). */
  heartbeatMs?: number
}

/** What a task's end is read from: the cluster's shared caches. */
function viewOf(cluster: Cluster): ClusterView {
  return {
    vm: (namespace, name) => cluster.vms.get(namespace, name),
    instance: (namespace, name) => cluster.vms.instance(namespace, name),
    latestMigration: (namespace, vm) => cluster.migrations.latestFor(namespace, vm),
    migration: (namespace, name) => cluster.migrations.get(namespace, name),
    node: (name) => cluster.nodes.get(name),
    drain: (node) => cluster.nodes.drainOf(node),
    children: (parent) => cluster.tasks.children(parent),
  }
}

async function tasks(fastify: FastifyInstance, options: TasksOptions): Promise<void> {
  const recorders = new Map<Cluster, TaskRecorder>()
  for (const cluster of fastify.clusters.values()) {
    const recorder = new TaskRecorder({
      cluster: cluster.id,
      client: cluster.serviceClient,
      store: cluster.tasks,
      view: viewOf(cluster),
      homeNamespace: options.homeNamespace,
      retention: {
        maxAgeMs: options.maxAgeMs ?? 30 * 24 * 3600_000,
        maxPerNamespace: options.maxPerNamespace ?? 1_000,
      },
      timeoutMs: options.timeoutMs ?? 5 * 60_000,
      ...(options.followIntervalMs ? { followIntervalMs: options.followIntervalMs } : {}),
      ...(options.replica ? { replica: options.replica } : {}),
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      log: fastify.log.child({ component: 'tasks', cluster: cluster.id }),
    })
    // A change of what a task waits for re-checks running tasks at once (coalesced).
    const notify = () => recorder.notify()
    cluster.vms.subscribe(notify)
    cluster.migrations.subscribe(notify)
    cluster.nodes.subscribe(notify)
    recorders.set(cluster, recorder)
  }
  fastify.decorate('tasksOf', (cluster: Cluster) => {
    const recorder = recorders.get(cluster)
    if (!recorder) throw new Error(`no task recorder for cluster ${cluster.id}`)
    return recorder
  })
  fastify.addHook('onReady', async () => {
    for (const recorder of recorders.values()) await recorder.start()
  })
  fastify.addHook('onClose', async () => {
    for (const recorder of recorders.values()) await recorder.stop()
  })
}

export default fp(tasks, { name: 'tasks', dependencies: ['clusters'] })

/**
 * Carries out `operation` as a task of the request's user on the request's cluster: the one call a
 * route makes to have its operation recorded (a refusal ends the task failed, and is rethrown).
 */
export function recordTask<T>(
  request: FastifyRequest,
  task: TaskRequest,
  operation: () => Promise<T>,
): Promise<T> {
  return request.server.tasksOf(request.cluster).run(identityOf(request), task, operation)
}

/** The VM a VM route names, as a task's target. */
export function vmTarget(request: FastifyRequest): TaskRequest['target'] {
  const { namespace, name } = request.params as { namespace: string; name: string }
  const uid = (request.routeVm as typeof request.routeVm | null)?.vm.metadata?.uid
  return { namespace, kind: 'VirtualMachine', name, ...(uid ? { uid } : {}) }
}
