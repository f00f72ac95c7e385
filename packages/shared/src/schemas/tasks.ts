import { Type, type Static } from 'typebox'
import { ClusterId, K8sName } from './common.ts'

/** What vmdeck did: one task per operation it started on someone's behalf. */
export const TaskAction = Type.Enum([
  'start',
  'stop',
  'restart',
  'pause',
  'unpause',
  'force-stop',
  'force-restart',
  'migrate',
  'cancel-migration',
  'snapshot',
  'delete-snapshot',
  'restore',
  'clone',
  'create',
  'delete',
  /** A change of the VM's configuration (CPU, memory, disks, networks…). */
  'configure',
  'cordon',
  'uncordon',
  'drain',
  'maintenance',
  'bulk',
  'console',
])
export type TaskAction = Static<typeof TaskAction>

/** Running until the cluster shows the operation done (or it timed out, or the API refused it). */
export const TaskOutcome = Type.Enum(['Running', 'Succeeded', 'Failed', 'Cancelled'])
export type TaskOutcome = Static<typeof TaskOutcome>

export const TaskTarget = Type.Object({
  cluster: Type.String(),
  /** Absent for cluster-scoped objects (nodes). */
  namespace: Type.Optional(Type.String()),
  kind: Type.String(),
  name: Type.String(),
  uid: Type.Optional(Type.String()),
})
export type TaskTarget = Static<typeof TaskTarget>

/** One task record (a `tasks.vmdeck.io` object) as the API shows it. */
export const Task = Type.Object({
  /** The record's name, unique in the cluster: `GET …/tasks/{id}`. */
  id: Type.String(),
  /** Where the record lives (the target's namespace, or vmdeck's own for nodes). */
  namespace: Type.String(),
  user: Type.String(),
  groups: Type.Array(Type.String()),
  action: TaskAction,
  target: TaskTarget,
  /** What matters about this run: target node, snapshot name, console kind… */
  parameters: Type.Record(Type.String(), Type.String()),
  /** A bulk action's parent task. */
  parent: Type.Optional(Type.String()),
  outcome: TaskOutcome,
  /** Why it failed (the API's message, or what the timeout waited for), or how it ended. */
  message: Type.Optional(Type.String()),
  startedAt: Type.String(),
  endedAt: Type.Optional(Type.String()),
  /** Milliseconds from start to end (consoles: how long the session was open). */
  durationMs: Type.Optional(Type.Number()),
  progress: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  /** Kubernetes objects the operation created (e.g. the migration). */
  created: Type.Array(
    Type.Object({
      kind: Type.String(),
      namespace: Type.Optional(Type.String()),
      name: Type.String(),
    }),
  ),
})
export type Task = Static<typeof Task>

const taskFilters = {
  user: Type.Optional(Type.String({ maxLength: 253 })),
  action: Type.Optional(TaskAction),
  outcome: Type.Optional(TaskOutcome),
  namespace: Type.Optional(K8sName),
  /** Only the children of this bulk task. */
  parent: Type.Optional(Type.String({ maxLength: 253 })),
  /** Only tasks started at or after this time (ISO 8601). */
  since: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
}

export const TaskListQuery = Type.Object({
  ...taskFilters,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  /** The `continue` of the previous page. */
  continue: Type.Optional(Type.String({ maxLength: 200 })),
})
export type TaskListQuery = Static<typeof TaskListQuery>

/** `GET …/tasks/export?format=csv|jsonl`: the whole filtered list, newest first. */
export const TaskExportQuery = Type.Object({
  ...taskFilters,
  format: Type.Enum(['csv', 'jsonl']),
})
export type TaskExportQuery = Static<typeof TaskExportQuery>

/** Newest first; `continue` fetches the next page, `running` counts running tasks of the filter. */
export const TaskList = Type.Object({
  items: Type.Array(Task),
  total: Type.Integer(),
  running: Type.Integer(),
  continue: Type.Optional(Type.String()),
})
export type TaskList = Static<typeof TaskList>

export const TaskParams = Type.Object({ cluster: ClusterId, id: Type.String({ maxLength: 253 }) })
export type TaskParams = Static<typeof TaskParams>

/** A change to the task set on the event stream (topic `tasks`). */
export type TaskChange =
  { type: 'upsert'; task: Task } | { type: 'delete'; namespace: string; id: string }
