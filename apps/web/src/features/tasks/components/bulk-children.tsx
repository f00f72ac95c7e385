import { Button, Label } from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { BulkAction, Task } from '@vmdeck/shared'
import { Link } from 'react-router'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { useCancelBulk, useRetryFailed } from '../api/task-mutations.ts'
import { taskQueries } from '../api/task-queries.ts'
import { outcomeColor } from '../model/task-view.ts'

/**
 * A bulk action's result per VM (its child tasks, live from the stream), with "Retry failed" once
 * it has ended with failures and "Cancel" while it runs.
 */
export function BulkChildren({ cluster, task }: { cluster: string; task: Task }) {
  const children = useQuery(taskQueries.list(cluster, { parent: task.id }, 500))
  const retry = useRetryFailed(cluster)
  const cancel = useCancelBulk(cluster)
  const items = children.data?.items ?? []
  const failed = items.filter((c) => c.outcome === 'Failed').length
  const counts = countBy(items)
  return (
    <div className="vmdeck-bulk-children" aria-label={`Result per VM of task ${task.id}`}>
      {children.error && <ErrorAlert error={children.error} title="Results could not be loaded" />}
      <div className="vmdeck-bulk-summary">
        {items.length} of {task.parameters.count ?? items.length} started
        {Object.entries(counts).map(([outcome, n]) => (
          <Label key={outcome} isCompact color={outcomeColor[outcome as Task['outcome']]}>
            {n} {outcome.toLowerCase()}
          </Label>
        ))}
        {task.outcome === 'Running' && (
          <Button variant="link" isInline onClick={() => cancel.mutate(task.id)}>
            Cancel
          </Button>
        )}
        {task.outcome !== 'Running' && failed > 0 && task.parameters.action && (
          <Button
            variant="link"
            isInline
            isLoading={retry.isPending}
            onClick={() =>
              retry.mutate({ id: task.id, action: task.parameters.action as BulkAction })
            }
          >
            Retry {failed} failed
          </Button>
        )}
      </div>
      <ul className="vmdeck-bulk-list">
        {items.map((child) => (
          <li key={child.id}>
            <Label isCompact color={outcomeColor[child.outcome]}>
              {child.outcome}
            </Label>{' '}
            <Link to={`/vms/${child.target.namespace ?? ''}/${child.target.name}/timeline`}>
              {child.target.namespace}/{child.target.name}
            </Link>
            {child.message && child.outcome !== 'Succeeded' && (
              <span className="vmdeck-task-message"> {child.message}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  )
}

function countBy(tasks: readonly Task[]): Partial<Record<Task['outcome'], number>> {
  const counts: Partial<Record<Task['outcome'], number>> = {}
  for (const t of tasks) counts[t.outcome] = (counts[t.outcome] ?? 0) + 1
  return counts
}
