import type { Task, TaskList, TaskListQuery } from '@vmdeck/shared'
import { isVisible, type Visibility } from '../kube/access.ts'

/** What one user may see of the task history: VMs' namespaces, and nodes or not. */
export interface TaskVisibility {
  namespaces: Visibility
  nodes: boolean
}

/** A task about a node is for those who may list nodes; any other for those who see its namespace. */
export const taskVisible = (task: Task, visibility: TaskVisibility): boolean =>
  task.target.kind === 'Node' ? visibility.nodes : isVisible(visibility.namespaces, task.namespace)

export type TaskFilters = Omit<TaskListQuery, 'limit' | 'continue'> & {
  /** Only tasks about this VM. */
  vm?: { namespace: string; name: string }
}

/** The tasks one user may see that match the filters, newest first (the store's order). */
export function filterTasks(
  tasks: readonly Task[],
  filters: TaskFilters,
  visibility: TaskVisibility,
): Task[] {
  const user = filters.user?.toLowerCase()
  const since = filters.since ? Date.parse(filters.since) : undefined
  const sinceIso = since === undefined ? undefined : new Date(since).toISOString()
  const result: Task[] = []
  for (const task of tasks) {
    // Newest first: once older than `since`, every further task is too.
    if (sinceIso !== undefined && task.startedAt < sinceIso) break
    if (filters.action && task.action !== filters.action) continue
    if (filters.parent && task.parent !== filters.parent) continue
    if (filters.outcome && task.outcome !== filters.outcome) continue
    if (filters.namespace && task.namespace !== filters.namespace) continue
    if (user && !task.user.toLowerCase().includes(user)) continue
    if (
      filters.vm &&
      (task.target.kind !== 'VirtualMachine' ||
        task.target.namespace !== filters.vm.namespace ||
        task.target.name !== filters.vm.name)
    )
      continue
    if (!taskVisible(task, visibility)) continue
    result.push(task)
  }
  return result
}

export class InvalidTaskCursorError extends Error {}

/**
 * One page of a filtered list. The cursor names the last task of the page (its start and id),
 * so tasks that begin meanwhile do not shift the next page.
 */
export function pageTasks(tasks: Task[], limit: number, cursor: string | undefined): TaskList {
  let start = 0
  if (cursor) {
    const [startedAt, id] = decodeCursor(cursor)
    const at = tasks.findIndex(
      (t) => t.startedAt < startedAt || (t.startedAt === startedAt && t.id <= id),
    )
    start = at < 0 ? tasks.length : tasks[at]?.id === id ? at + 1 : at
  }
  const items = tasks.slice(start, start + limit)
  const last = items.at(-1)
  return {
    items,
    total: tasks.length,
    running: tasks.reduce((n, t) => n + (t.outcome === 'Running' ? 1 : 0), 0),
    ...(last && start + limit < tasks.length
      ? { continue: Buffer.from(`${last.startedAt}|${last.id}`).toString('base64url') }
      : {}),
  }
}

function decodeCursor(cursor: string): [string, string] {
  const match = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\|([a-z0-9-]{1,253})$/.exec(
    Buffer.from(cursor, 'base64url').toString(),
  )
  if (!match?.[1] || !match[2])
    throw new InvalidTaskCursorError('The cursor is not valid; start again from the first page.')
  return [match[1], match[2]]
}
