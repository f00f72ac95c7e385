import { Button, Label, Progress } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import type { Task } from '@vmdeck/shared'
import { Fragment, useState } from 'react'
import { Link } from 'react-router'
import { formatDuration, outcomeColor, recordingLink, taskTitle } from '../model/task-view.ts'
import { BulkChildren } from './bulk-children.tsx'

/**
 * Tasks as rows: what, on which object, who, when, how long, and how it ended (or its progress).
 * With `cluster`, a bulk action opens to its result per VM.
 */
export function TaskTable({
  tasks,
  label,
  empty,
  cluster,
}: {
  tasks: readonly Task[]
  label: string
  empty: string
  cluster?: string
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set())
  const toggle = (id: string) =>
    setOpen((previous) => {
      const next = new Set(previous)
      if (!next.delete(id)) next.add(id)
      return next
    })
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
          <Fragment key={task.id}>
            <Tr>
              <Td dataLabel="Task">
                {taskTitle(task)}
                <RecordingLink task={task} />
                {cluster && task.action === 'bulk' && (
                  <Button
                    variant="link"
                    isInline
                    className="vmdeck-bulk-toggle"
                    aria-expanded={open.has(task.id)}
                    onClick={() => toggle(task.id)}
                  >
                    {open.has(task.id) ? 'Hide result per VM' : 'Result per VM'}
                  </Button>
                )}
              </Td>
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
            {cluster && open.has(task.id) && (
              <Tr>
                <Td colSpan={5}>
                  <BulkChildren cluster={cluster} task={task} />
                </Td>
              </Tr>
            )}
          </Fragment>
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

/** A console session that was recorded: its player, on the VM's Console tab. */
function RecordingLink({ task }: { task: Task }) {
  const to = recordingLink(task)
  return to ? (
    <Link to={to} className="vmdeck-task-link">
      Recording
    </Link>
  ) : null
}
