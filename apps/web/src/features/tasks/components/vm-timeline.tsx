import { Label, Skeleton } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useQuery } from '@tanstack/react-query'
import type { VmEventList } from '@vmdeck/shared'
import { Link } from 'react-router'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { api } from '../../../lib/api-client.ts'
import { clusterQueries } from '../../../lib/cluster-queries.ts'
import { vmPath, vmQueries } from '../../../lib/vm-queries.ts'
import { taskQueries } from '../api/task-queries.ts'
import { outcomeColor, timelineOf } from '../model/task-view.ts'

const sourceLabel = { vmdeck: 'vmdeck', event: 'Event', migration: 'Migration' } as const

/**
 * The VM's "Tasks & events": vmdeck's tasks with the VM's Kubernetes events and migrations,
 * newest first; tasks and migrations stay live through the stream, events are re-read.
 */
export function VmTimeline({
  cluster,
  namespace,
  name,
}: {
  cluster: string
  namespace: string
  name: string
}) {
  const vm = { namespace, name }
  const tasks = useQuery(taskQueries.vm(cluster, vm))
  const events = useQuery({
    queryKey: [...vmQueries.detail(cluster, vm).queryKey, 'events'],
    queryFn: ({ signal }) => api.get<VmEventList>(`${vmPath(cluster, vm)}/events`, { signal }),
    refetchInterval: 10_000,
  })
  const migrations = useQuery(clusterQueries.migrations(cluster))
  if (tasks.error) return <ErrorAlert error={tasks.error} title="Tasks could not be loaded" />
  if (events.error) return <ErrorAlert error={events.error} title="Events could not be loaded" />
  if (tasks.isPending) return <Skeleton screenreaderText="Loading the history" />
  const entries = timelineOf(
    tasks.data.items,
    events.data?.items ?? [],
    (migrations.data?.items ?? []).filter((m) => m.namespace === namespace && m.vmName === name),
  )
  return (
    <Table aria-label="Tasks and events" variant="compact" className="vmdeck-table">
      <Thead>
        <Tr>
          <Th>Time</Th>
          <Th>Source</Th>
          <Th>What happened</Th>
          <Th>Outcome</Th>
        </Tr>
      </Thead>
      <Tbody>
        {entries.map((entry) => (
          <Tr key={entry.key}>
            <Td dataLabel="Time">{new Date(entry.at).toLocaleString()}</Td>
            <Td dataLabel="Source">{sourceLabel[entry.source]}</Td>
            <Td dataLabel="What happened">
              {entry.title}
              {entry.recording && (
                <Link to={entry.recording} className="vmdeck-task-link">
                  Recording
                </Link>
              )}
              {entry.detail && <div className="vmdeck-task-message">{entry.detail}</div>}
            </Td>
            <Td dataLabel="Outcome">
              {entry.outcome ? (
                <Label isCompact color={outcomeColor[entry.outcome]}>
                  {entry.outcome}
                </Label>
              ) : entry.warning ? (
                <Label isCompact color="orange">
                  Warning
                </Label>
              ) : null}
            </Td>
          </Tr>
        ))}
        {entries.length === 0 && (
          <Tr>
            <Td colSpan={4}>Nothing has happened to this VM yet.</Td>
          </Tr>
        )}
      </Tbody>
    </Table>
  )
}
