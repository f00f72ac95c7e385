import { Badge, Button, Label, Popover } from '@patternfly/react-core'
import TaskIcon from '@patternfly/react-icons/dist/esm/icons/tasks-icon'
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { taskQueries } from '../api/task-queries.ts'
import { outcomeColor, taskTitle } from '../model/task-view.ts'

const RECENT = 10

/** The masthead's recent tasks: a count of running ones, and the latest with their outcome. */
export function TasksDrawer({ cluster }: { cluster: string }) {
  const list = useQuery(taskQueries.list(cluster, {}, RECENT))
  const items = list.data?.items ?? []
  const running = list.data?.running ?? 0
  return (
    <Popover
      aria-label="Recent tasks"
      headerContent="Recent tasks"
      bodyContent={
        <ul className="vmdeck-recent-tasks" aria-label="Recent tasks list">
          {items.map((task) => (
            <li key={task.id}>
              <Label isCompact color={outcomeColor[task.outcome]}>
                {task.outcome === 'Running' && task.progress !== undefined
                  ? `Running ${task.progress}%`
                  : task.outcome}
              </Label>{' '}
              {taskTitle(task)} <small>{new Date(task.startedAt).toLocaleTimeString()}</small>
            </li>
          ))}
          {items.length === 0 && <li>No tasks yet.</li>}
        </ul>
      }
      footerContent={<Link to="/tasks">All tasks</Link>}
    >
      <Button variant="plain" icon={<TaskIcon />} aria-label={`Tasks: ${running} running`}>
        {running > 0 && <Badge isRead={false}>{running}</Badge>}
      </Button>
    </Popover>
  )
}
