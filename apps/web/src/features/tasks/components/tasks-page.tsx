import {
  Button,
  PageSection,
  TextInput,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import { TaskAction, TaskOutcome } from '@vmdeck/shared'
import { useState } from 'react'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { SimpleSelect } from '../../../components/ui/simple-select.tsx'
import { useNamespace } from '../../../lib/use-namespace.ts'
import { exportUrl, taskQueries, type TaskFilters } from '../api/task-queries.ts'
import { narrowTasks } from '../model/task-view.ts'
import { TaskTable } from './task-table.tsx'

// The filters offer what the shared schema defines, so a new action shows up here by itself.
const actions = TaskAction.enum
const outcomes = TaskOutcome.enum
const periods = [
  { value: '', label: 'Any time' },
  { value: '3600', label: 'Last hour' },
  { value: '86400', label: 'Last 24 hours' },
  { value: '604800', label: 'Last 7 days' },
]

/** Every task vmdeck carried out that the user may see: running ones with progress, then recent. */
export default function TasksPage({ cluster }: { cluster: string }) {
  const [namespace] = useNamespace()
  const [user, setUser] = useState('')
  const [action, setAction] = useState('')
  const [outcome, setOutcome] = useState('')
  const [period, setPeriod] = useState('')
  // Rounded to the minute, so the query key (and the cache) does not change on every render.
  const [now] = useState(() => Math.floor(Date.now() / 60_000) * 60_000)
  const filters: TaskFilters = {
    ...(user ? { user } : {}),
    ...(action ? { action: action as TaskAction } : {}),
    ...(outcome ? { outcome: outcome as TaskOutcome } : {}),
    ...(namespace ? { namespace } : {}),
    ...(period ? { since: new Date(now - Number(period) * 1000).toISOString() } : {}),
  }
  const list = useQuery(taskQueries.list(cluster, filters))
  // While the new filter's answer is on its way, the previous rows that pass it.
  const items = list.isPlaceholderData
    ? narrowTasks(list.data?.items ?? [], filters)
    : (list.data?.items ?? [])
  const running = items.filter((t) => t.outcome === 'Running')
  const recent = items.filter((t) => t.outcome !== 'Running')
  return (
    <PageSection>
      <Title headingLevel="h1" size="xl" style={{ marginBottom: 8 }}>
        Tasks
      </Title>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <TextInput
              aria-label="Filter by user"
              placeholder="User"
              value={user}
              onChange={(_event, value) => setUser(value)}
            />
          </ToolbarItem>
          <ToolbarItem>
            <SimpleSelect
              label="Action"
              value={action}
              choices={[
                { value: '', label: 'Any action' },
                ...actions.map((a) => ({ value: a, label: a })),
              ]}
              onChange={setAction}
            />
          </ToolbarItem>
          <ToolbarItem>
            <SimpleSelect
              label="Outcome"
              value={outcome}
              choices={[
                { value: '', label: 'Any outcome' },
                ...outcomes.map((o) => ({ value: o, label: o })),
              ]}
              onChange={setOutcome}
            />
          </ToolbarItem>
          <ToolbarItem>
            <SimpleSelect label="Time" value={period} choices={periods} onChange={setPeriod} />
          </ToolbarItem>
          <ToolbarItem align={{ default: 'alignEnd' }}>
            <Button variant="link" component="a" href={exportUrl(cluster, filters, 'csv')} download>
              Export CSV
            </Button>
            <Button
              variant="link"
              component="a"
              href={exportUrl(cluster, filters, 'jsonl')}
              download
            >
              Export JSON lines
            </Button>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {list.error && <ErrorAlert error={list.error} title="Tasks could not be loaded" />}
      <Title headingLevel="h2" size="lg">
        Running ({running.length})
      </Title>
      <TaskTable
        tasks={running}
        label="Running tasks"
        empty="Nothing is running."
        cluster={cluster}
      />
      <Title headingLevel="h2" size="lg" style={{ marginTop: 16 }}>
        Recent
        {list.data && list.data.total > list.data.items.length
          ? ` (latest ${list.data.items.length} of ${list.data.total})`
          : ''}
      </Title>
      <TaskTable
        tasks={recent}
        label="Recent tasks"
        cluster={cluster}
        empty={list.isPending ? 'Loading…' : 'No tasks match.'}
      />
    </PageSection>
  )
}
