import type { Task, TaskAction } from '@vmdeck/shared'
import type { TaskObject } from '../api/task-requests.ts'

const iso = (value: string | Date | undefined) =>
  value === undefined ? undefined : new Date(value).toISOString()

/** A task record as the API shows it; a record still without a status is running. */
export function toTask(object: TaskObject): Task {
  const spec = object.spec ?? {}
  const status = object.status ?? {}
  const startedAt = spec.startedAt ?? iso(object.metadata?.creationTimestamp) ?? ''
  const endedAt = status.endedAt
  const target = spec.target ?? {}
  return {
    id: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
    user: spec.user?.username ?? '',
    groups: spec.user?.groups ?? [],
    action: (spec.action ?? 'create') as TaskAction,
    target: {
      cluster: target.cluster ?? '',
      ...(target.namespace ? { namespace: target.namespace } : {}),
      kind: target.kind ?? '',
      name: target.name ?? '',
      ...(target.uid ? { uid: target.uid } : {}),
    },
    parameters: spec.parameters ?? {},
    ...(spec.parent ? { parent: spec.parent } : {}),
    outcome: status.outcome ?? 'Running',
    ...(status.message ? { message: status.message } : {}),
    startedAt,
    ...(endedAt
      ? { endedAt, durationMs: Math.max(0, Date.parse(endedAt) - Date.parse(startedAt)) }
      : {}),
    ...(status.progress !== undefined ? { progress: status.progress } : {}),
    created: status.created ?? [],
  }
}
