import type { Task } from '@vmdeck/shared'
import type { ConsoleTarget } from './console-target.ts'

/**
 * Who has a VM console open on another vmdeck replica, from the shared session records (every
 * console session is a running `console` task; `localTasks` are this replica's own): so a user
 * whose replica cannot open the console is told who holds it. The role is the one each session
 * had when it opened (a later hand-over is a task of its own, not an update of these).
 */
export function holderElsewhere(
  running: readonly Task[],
  localTasks: ReadonlySet<string>,
  target: Pick<ConsoleTarget, 'cluster' | 'namespace' | 'name' | 'kind'>,
): string | undefined {
  const there = running.filter(
    (task) =>
      task.action === 'console' &&
      task.outcome === 'Running' &&
      !localTasks.has(task.id) &&
      task.target.cluster === target.cluster &&
      task.target.namespace === target.namespace &&
      task.target.name === target.name &&
      task.parameters.console === target.kind,
  )
  if (there.length === 0) return undefined
  const controller = there.find((task) => task.parameters.role === 'controller') ?? there[0]
  const what = target.kind === 'vnc' ? 'VNC console' : 'serial console'
  const others = [...new Set(there.map((t) => t.user))].filter((u) => u !== controller?.user)
  return (
    `${controller?.user ?? 'Someone'} holds this ${what} on another vmdeck replica` +
    (others.length ? ` (watching: ${others.join(', ')}).` : '.')
  )
}
