import type { Task } from '@vmdeck/shared'

const COLUMNS = [
  'id',
  'startedAt',
  'endedAt',
  'durationMs',
  'user',
  'groups',
  'action',
  'kind',
  'namespace',
  'name',
  'outcome',
  'message',
  'parameters',
] as const

/** RFC 4180 quoting; a leading =, +, - or @ is defused so a spreadsheet never runs it. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

function row(task: Task): string[] {
  return [
    task.id,
    task.startedAt,
    task.endedAt ?? '',
    task.durationMs === undefined ? '' : String(task.durationMs),
    task.user,
    task.groups.join(' '),
    task.action,
    task.target.kind,
    task.target.namespace ?? '',
    task.target.name,
    task.outcome,
    task.message ?? '',
    Object.entries(task.parameters)
      .map(([key, value]) => `${key}=${value}`)
      .join(' '),
  ]
}

/** The filtered history as CSV, header first. */
export function tasksToCsv(tasks: readonly Task[]): string {
  const lines = [COLUMNS.join(',')]
  for (const task of tasks) lines.push(row(task).map(cell).join(','))
  return `${lines.join('\r\n')}\r\n`
}

/** The filtered history as JSON lines: one task object per line. */
export function tasksToJsonLines(tasks: readonly Task[]): string {
  return tasks.map((task) => `${JSON.stringify(task)}\n`).join('')
}
