import type { NodeDrain, NodeSummary, Task, VmMigration, VmSummary } from '@vmdeck/shared'
import type { TaskStatus } from '../kube/api/task-requests.ts'

/** What a task's end is read from: the shared caches (no request per task). */
export interface ClusterView {
  vm(namespace: string, name: string): VmSummary | undefined
  /** The VM's current VMI (uid and phase), if it has one. */
  instance(namespace: string, name: string): { uid: string; phase: string } | undefined
  latestMigration(namespace: string, vmName: string): VmMigration | undefined
  migration(namespace: string, name: string): VmMigration | undefined
  node(name: string): NodeSummary | undefined
  drain(node: string): NodeDrain | undefined
  /** The children of a bulk task. */
  children(parent: string): Task[]
}

/** The VM status each power action waits for. */
const awaitedStatus: Partial<Record<Task['action'], VmSummary['status']>> = {
  start: 'Running',
  restart: 'Running',
  'force-restart': 'Running',
  unpause: 'Running',
  stop: 'Stopped',
  'force-stop': 'Stopped',
  pause: 'Paused',
}

/** Clock skew allowed between this replica and the API server's timestamps. */
const SKEW_MS = 5_000

/**
 * Where a running task stands, from what the cluster shows now: a final status when it has
 * ended (succeeded, or failed with the cluster's reason), a progress update, or undefined while
 * there is nothing new. Outcome follows the cluster, not the HTTP answer: a stop is done when the
 * VM is Stopped, a migration when its phase is Succeeded. Consoles end when they close, not here.
 */
export function progressOf(task: Task, view: ClusterView): TaskStatus | undefined {
  const { namespace = '', name } = task.target
  const done = (message?: string): TaskStatus => ({
    outcome: 'Succeeded',
    progress: 100,
    ...(message ? { message } : {}),
  })
  const status = awaitedStatus[task.action]
  if (status) {
    const vm = view.vm(namespace, name)
    if (status === 'Stopped' && !vm) return done('The VM no longer exists.')
    if (vm?.status !== status) return undefined
    // A restart is done when a new VMI runs, not while the old one still shows Running.
    const replaced = task.parameters.vmiUid
    if (replaced) {
      const instance = view.instance(namespace, name)
      if (!instance || instance.uid === replaced || instance.phase !== 'Running') return undefined
    }
    return done(`VM ${name} is ${status}.`)
  }
  switch (task.action) {
    case 'migrate':
      return migrationProgress(task, view)
    case 'cancel-migration': {
      const migration = view.migration(namespace, task.parameters.migration ?? '')
      return !migration || !migration.active ? done('The migration ended.') : undefined
    }
    case 'delete':
      return view.vm(namespace, name) ? undefined : done(`VM ${name} is gone.`)
    case 'create':
    case 'clone': {
      const targetNamespace = task.parameters.targetNamespace ?? namespace
      const targetName = task.parameters.targetName ?? name
      return view.vm(targetNamespace, targetName) ? done(`VM ${targetName} exists.`) : undefined
    }
    case 'cordon':
      return view.node(name)?.schedulable === false ? done(`Node ${name} is cordoned.`) : undefined
    case 'uncordon':
      return view.node(name)?.schedulable === true ? done(`Node ${name} accepts VMs.`) : undefined
    case 'drain':
    case 'maintenance':
      return drainProgress(name, view)
    case 'bulk':
      return bulkProgress(task, view)
    case 'console':
      return undefined
    default:
      // Snapshots, restores, configuration changes: the API's acceptance is the end followed.
      return done()
  }
}

function migrationProgress(task: Task, view: ClusterView): TaskStatus | undefined {
  const { namespace = '', name } = task.target
  const migration = view.latestMigration(namespace, name)
  // Only a migration created since the task started is this task's.
  if (!migration || Date.parse(migration.createdAt) < Date.parse(task.startedAt) - SKEW_MS)
    return undefined
  const created = [{ kind: 'VirtualMachineInstanceMigration', namespace, name: migration.name }]
  if (migration.phase === 'Succeeded')
    return {
      outcome: 'Succeeded',
      progress: 100,
      created,
      message: `Migrated to ${migration.targetNode ?? 'another node'}.`,
    }
  if (migration.phase === 'Failed')
    return migration.abortRequested
      ? { outcome: 'Cancelled', created, message: 'The migration was cancelled.' }
      : {
          outcome: 'Failed',
          created,
          message: migration.failureReason ?? `Migration ${migration.name} failed.`,
        }
  const progress = migration.progress ?? 0
  if (task.progress === progress && task.created.length) return undefined
  return { outcome: 'Running', progress, created }
}

function drainProgress(node: string, view: ClusterView): TaskStatus | undefined {
  const drain = view.drain(node)
  if (!drain) return undefined
  if (drain.phase === 'Drained')
    return { outcome: 'Succeeded', progress: 100, message: `Node ${node} is drained.` }
  if (drain.phase === 'Failed')
    return { outcome: 'Failed', message: drain.message ?? `Draining ${node} failed.` }
  const progress = drain.total
    ? Math.round(((drain.total - drain.remaining) / drain.total) * 100)
    : 0
  return { outcome: 'Running', progress }
}

function bulkProgress(task: Task, view: ClusterView): TaskStatus | undefined {
  const children = view.children(task.id)
  const expected = Number(task.parameters.count ?? children.length)
  const ended = children.filter((c) => c.outcome !== 'Running')
  if (ended.length < expected || children.length < expected) {
    const progress = expected ? Math.round((ended.length / expected) * 100) : 0
    return progress === task.progress ? undefined : { outcome: 'Running', progress }
  }
  const failed = ended.filter((c) => c.outcome !== 'Succeeded').length
  return failed
    ? { outcome: 'Failed', progress: 100, message: `${failed} of ${expected} did not succeed.` }
    : { outcome: 'Succeeded', progress: 100, message: `All ${expected} succeeded.` }
}

/** What a timed-out task waited for, in words. */
export function timeoutMessage(task: Task, seconds: number, view: ClusterView): string {
  const { namespace = '', name } = task.target
  const status = awaitedStatus[task.action]
  const now = status ? view.vm(namespace, name)?.status : undefined
  const waitedFor = status
    ? `VM ${name} to be ${status}${now ? ` (it is ${now})` : ''}`
    : `the ${task.action} of ${name} to finish`
  return `Timed out after ${seconds} s waiting for ${waitedFor}.`
}
