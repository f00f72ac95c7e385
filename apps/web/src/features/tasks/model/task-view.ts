import type { Task, TaskOutcome, VmEvent, VmMigration } from '@vmdeck/shared'
import { taskSentence } from '@vmdeck/shared'

export const outcomeColor: Record<TaskOutcome, 'blue' | 'green' | 'red' | 'grey'> = {
  Running: 'blue',
  Succeeded: 'green',
  Failed: 'red',
  Cancelled: 'grey',
}

/**
 * The rows of an earlier answer that also pass new filters: shown at once while the server answers
 * the new query, so a keystroke in the filter never waits for the network to narrow the table.
 */
export function narrowTasks(
  tasks: readonly Task[],
  filters: { user?: string; action?: string; outcome?: string; namespace?: string; since?: string },
): Task[] {
  const user = filters.user?.toLowerCase()
  return tasks.filter(
    (t) =>
      (!user || t.user.toLowerCase().includes(user)) &&
      (!filters.action || t.action === filters.action) &&
      (!filters.outcome || t.outcome === filters.outcome) &&
      (!filters.namespace || t.namespace === filters.namespace) &&
      (!filters.since || t.startedAt >= filters.since),
  )
}

/** "45 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`
  const hours = Math.floor(minutes / 60)
  return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`
}

/** What a task says in a list: "admin stopped web-01", and a console session's length. */
export function taskTitle(task: Task): string {
  const sentence = taskSentence(task)
  if (task.action !== 'console') return sentence
  const kind = task.parameters.console === 'serial' ? 'serial' : 'VNC'
  const length = task.durationMs === undefined ? 'open' : formatDuration(task.durationMs)
  return `${sentence.replace('a console', `a ${kind} console`)} (${length})`
}

/** A console session's recording: a link to its player on the VM's Console tab. */
export function recordingLink(task: Task): string | undefined {
  const id = task.parameters.recording
  const { kind, namespace, name } = task.target
  if (task.action !== 'console' || !id || kind !== 'VirtualMachine' || !namespace) return undefined
  return `/vms/${namespace}/${name}/console?recording=${encodeURIComponent(id)}`
}

const vmdeckReasons = new Set(['TaskStarted', 'TaskSucceeded', 'TaskFailed', 'TaskCancelled'])

export interface TimelineEntry {
  key: string
  at: string
  source: 'vmdeck' | 'event' | 'migration'
  title: string
  detail?: string
  outcome?: TaskOutcome
  warning?: boolean
  /** A console session's recording (recordingLink). */
  recording?: string
}

/**
 * One VM's history, newest first: vmdeck's tasks, the Kubernetes events about it (vmdeck's own
 * Events repeat its tasks and are left out) and its migrations' starts and ends.
 */
export function timelineOf(
  tasks: readonly Task[],
  events: readonly VmEvent[],
  migrations: readonly VmMigration[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = []
  for (const task of tasks) {
    const recording = recordingLink(task)
    entries.push({
      key: `task/${task.id}`,
      at: task.startedAt,
      source: 'vmdeck',
      title: taskTitle(task),
      outcome: task.outcome,
      ...(task.message ? { detail: task.message } : {}),
      ...(recording ? { recording } : {}),
    })
  }
  events.forEach((event, index) => {
    // vmdeck's own Events say what its tasks say.
    if (event.source === 'vmdeck' || vmdeckReasons.has(event.reason)) return
    const at = event.lastSeen ?? event.firstSeen
    if (!at) return
    entries.push({
      key: `event/${index}/${event.reason}`,
      at,
      source: 'event',
      title: `${event.reason}: ${event.message}`,
      detail: event.object,
      warning: event.type === 'Warning',
    })
  })
  for (const migration of migrations) {
    entries.push({
      key: `migration/${migration.name}/start`,
      at: migration.startedAt ?? migration.createdAt,
      source: 'migration',
      title: `Migration ${migration.name} started${migration.sourceNode ? ` from ${migration.sourceNode}` : ''}`,
    })
    if (migration.endedAt)
      entries.push({
        key: `migration/${migration.name}/end`,
        at: migration.endedAt,
        source: 'migration',
        title: `Migration ${migration.name} ${migration.phase === 'Succeeded' ? 'moved it' : 'ended'}${migration.targetNode ? ` to ${migration.targetNode}` : ''} (${migration.phase})`,
        warning: migration.phase === 'Failed',
      })
  }
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
}
