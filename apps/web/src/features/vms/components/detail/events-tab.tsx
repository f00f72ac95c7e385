import { Label, Skeleton } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useQuery } from '@tanstack/react-query'
import { ErrorAlert } from '../../../../components/ui/error-alert.tsx'
import type { VmRef } from '../../../../lib/vm-queries.ts'
import { vmTabQueries } from '../../api/vm-tab-queries.ts'

export function EventsTab({ cluster, vm }: { cluster: string; vm: VmRef }) {
  const events = useQuery(vmTabQueries.events(cluster, vm))
  if (events.error) return <ErrorAlert error={events.error} title="Events could not be loaded" />
  if (events.isPending) return <Skeleton screenreaderText="Loading events" />
  const items = [...events.data.items].sort((a, b) =>
    (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''),
  )
  return (
    <Table aria-label="Events" variant="compact" className="vmdeck-table">
      <Thead>
        <Tr>
          <Th>Type</Th>
          <Th>Reason</Th>
          <Th>Object</Th>
          <Th>Message</Th>
          <Th>Count</Th>
          <Th>Last seen</Th>
        </Tr>
      </Thead>
      <Tbody>
        {items.map((event, index) => (
          <Tr key={`${event.object}/${event.reason}/${index}`}>
            <Td dataLabel="Type">
              <Label isCompact color={event.type === 'Warning' ? 'orange' : 'grey'}>
                {event.type}
              </Label>
            </Td>
            <Td dataLabel="Reason">{event.reason}</Td>
            <Td dataLabel="Object">{event.object}</Td>
            <Td dataLabel="Message">{event.message}</Td>
            <Td dataLabel="Count">{event.count}</Td>
            <Td dataLabel="Last seen">
              {event.lastSeen ? new Date(event.lastSeen).toLocaleString() : '—'}
            </Td>
          </Tr>
        ))}
        {items.length === 0 && (
          <Tr>
            <Td colSpan={6}>No events in the last hour.</Td>
          </Tr>
        )}
      </Tbody>
    </Table>
  )
}
