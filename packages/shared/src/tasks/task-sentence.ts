import type { Task, TaskAction } from '../schemas/tasks.ts'

/** Each action in the past tense, as a history reads: "admin stopped web-01". */
const pastTense: Record<TaskAction, string> = {
  start: 'started',
  stop: 'stopped',
  restart: 'restarted',
  pause: 'paused',
  unpause: 'unpaused',
  'force-stop': 'force-stopped',
  'force-restart': 'force-restarted',
  migrate: 'migrated',
  'cancel-migration': 'cancelled the migration of',
  snapshot: 'took a snapshot of',
  'delete-snapshot': 'deleted a snapshot of',
  restore: 'restored',
  clone: 'cloned',
  create: 'created',
  delete: 'deleted',
  configure: 'reconfigured',
  cordon: 'cordoned',
  uncordon: 'uncordoned',
  drain: 'drained',
  maintenance: 'put into maintenance',
  bulk: 'ran a bulk action on',
  console: 'opened a console on',
}

/**
 * "admin stopped web-01": who did what to which object (the outcome is shown beside it). A bulk
 * action says what it did to each: "admin stopped 20 VMs (bulk)".
 */
export function taskSentence(
  task: Pick<Task, 'user' | 'action' | 'target'> & { parameters?: Task['parameters'] },
): string {
  const each = task.parameters?.action as TaskAction | undefined
  if (task.action === 'bulk' && each && each in pastTense)
    return `${task.user} ${pastTense[each]} ${task.target.name} (bulk)`
  return `${task.user} ${pastTense[task.action]} ${task.target.name}`
}
