import type { TaskChange, TaskList } from '../schemas/tasks.ts'

/**
 * A stream change applied to a page of tasks in place: a task on the page is replaced (its
 * outcome or progress moved on), a deleted one leaves it; a new task is put first only on an
 * unfiltered newest-first page (`prepend`), since only there does it surely belong. The running
 * count follows; the caller refetches soon after to reconcile the rest.
 */
export function applyTaskChange(list: TaskList, change: TaskChange, prepend: boolean): TaskList {
  const id = change.type === 'upsert' ? change.task.id : change.id
  const index = list.items.findIndex((task) => task.id === id)
  const items = list.items.slice()
  if (change.type === 'delete') {
    if (index < 0) return list
    items.splice(index, 1)
  } else if (index >= 0) items[index] = change.task
  // The page may grow by one until the refetch that follows brings it back to its size.
  else if (prepend) items.unshift(change.task)
  else return list
  const running = (items: TaskList['items']) => items.filter((t) => t.outcome === 'Running').length
  return {
    ...list,
    items,
    total: list.total + items.length - list.items.length,
    running: Math.max(0, list.running + running(items) - running(list.items)),
  }
}
