import { Label, Progress } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import type { Task } from '@vmdeck/shared'
import { Link } from 'react-router'
import { formatDuration, outcomeColor, taskTitle } from '../model/task-view.ts'

/** Tasks as rows: what, on which object, who, when, how long, and how it ended (or its progress). */
export function TaskTable({
  tasks,
  label,
  empty,
}: {
  tasks: readonly Task[]
  label: string
  empty: string
}) {
  return (
    <Table aria-label={label} variant="compact" className="vmdeck-table">
      <Thead>
        <Tr>
          <Th>Task</Th>
          <Th>Target</Th>
          <Th>Started</Th>
          <Th>Duration</Th>
          <Th>Outcome</Th>
        </Tr>
      </Thead>
      <Tbody>
        {tasks.map((task) => (
          <Tr key={task.id}>
            <Td dataLabel="Task">{taskTitle(task)}</Td>
            <Td dataLabel="Target">
              {task.target.kind === 'VirtualMachine' && task.target.namespace ? (
                <Link to={`/vms/${task.target.namespace}/${task.target.name}/timeline`}>
                  {task.target.namespace}/{task.target.name}
                </Link>
              ) : (
                `${task.target.kind} ${task.target.name}`
              )}
            </Td>
            <Td dataLabel="Started">{new Date(task.startedAt).toLocaleString()}</Td>
            <Td dataLabel="Duration">
              {task.durationMs === undefined ? '—' : formatDuration(task.durationMs)}
            </Td>
            <Td dataLabel="Outcome">
              {task.outcome === 'Running' && task.progress !== undefined ? (
                <Progress
                  value={task.progress}
                  title="Running"
                  size="sm"
                  aria-label={`${taskTitle(task)}: progress`}
                />
              ) : (
                <Label isCompact color={outcomeColor[task.outcome]} title={task.message}>
                  {task.outcome}
                </Label>
              )}
              {task.outcome === 'Failed' && task.message && (
                <div className="vmdeck-task-message">{task.message}</div>
              )}
            </Td>
          </Tr>
        ))}
        {tasks.length === 0 && (
          <Tr>
            <Td colSpan={5}>{empty}</Td>
          </Tr>
        )}
      </Tbody>
    </Table>
  )
}
