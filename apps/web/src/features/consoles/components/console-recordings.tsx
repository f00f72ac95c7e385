import { Button, ExpandableSection } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useQuery } from '@tanstack/react-query'
import { lazy, Suspense, useState } from 'react'
import { useSearchParams } from 'react-router'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { api } from '../../../lib/api-client.ts'
import { formatBytes } from '../../../lib/format.ts'
import {
  recordingsPath,
  recordingUrl,
  type RecordingItem,
  type RecordingList,
} from '../lib/recordings.ts'

const RecordingPlayer = lazy(() =>
  import('./recording-player.tsx').then((m) => ({ default: m.RecordingPlayer })),
)

const duration = (item: RecordingItem) => {
  const s = Math.max(
    0,
    Math.round((Date.parse(item.modifiedAt) - Date.parse(item.startedAt)) / 1000),
  )
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`
}

/**
 * The VM's console recordings the user may see (VNC: played back here; serial: the transcript),
 * shown where the namespace records or recordings exist. Refreshed while shown: a session's
 * recording appears once it has started, and grows until it ends. `?recording=<id>` (the link on
 * a console session's task) plays that VNC recording, or marks that transcript's row.
 */
export function ConsoleRecordings({
  cluster,
  namespace,
  name,
}: {
  cluster: string
  namespace: string
  name: string
}) {
  const [playing, setPlaying] = useState<RecordingItem | null>(null)
  const [expanded, setExpanded] = useState(true)
  const [search] = useSearchParams()
  const wanted = search.get('recording')
  const [linkClosed, setLinkClosed] = useState(false)
  const list = useQuery({
    queryKey: ['recordings', cluster, namespace, name],
    queryFn: ({ signal }) =>
      api.get<RecordingList>(recordingsPath(cluster, namespace, name), { signal }),
    refetchInterval: 5_000,
  })
  if (list.error) return <ErrorAlert error={list.error} title="Recordings could not be loaded" />
  const data = list.data
  if (!data || (!data.recorded && data.items.length === 0)) return null
  const linked = wanted ? data.items.find((item) => item.id === wanted) : undefined
  const shown = playing ?? (!linkClosed && linked?.kind === 'vnc' ? linked : null)
  return (
    <ExpandableSection
      toggleText={`Recordings (${data.items.length})`}
      isExpanded={expanded}
      onToggle={(_event, open) => setExpanded(open)}
      data-testid="console-recordings"
    >
      {wanted && !linked && (
        <p className="vmdeck-muted">
          The recording {wanted} is no longer kept, or you may not see it.
        </p>
      )}
      {data.items.length === 0 ? (
        <p className="vmdeck-muted">No recorded session yet.</p>
      ) : (
        <Table aria-label={`Console recordings of ${name}`} variant="compact">
          <Thead>
            <Tr>
              <Th>Console</Th>
              <Th>Started</Th>
              <Th>Length</Th>
              <Th>Size</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {data.items.map((item) => (
              <Tr key={item.id} isRowSelected={item.id === wanted}>
                <Td dataLabel="Console">{item.kind === 'vnc' ? 'VNC' : 'Serial'}</Td>
                <Td dataLabel="Started">{new Date(item.startedAt).toLocaleString()}</Td>
                <Td dataLabel="Length">{duration(item)}</Td>
                <Td dataLabel="Size">{formatBytes(item.bytes)}</Td>
                <Td dataLabel="Actions" isActionCell>
                  {item.kind === 'vnc' ? (
                    <Button variant="link" isInline onClick={() => setPlaying(item)}>
                      Play
                    </Button>
                  ) : (
                    <Button
                      variant="link"
                      isInline
                      component="a"
                      href={recordingUrl(cluster, namespace, name, item.id)}
                      target="_blank"
                      rel="noopener"
                    >
                      Transcript
                    </Button>
                  )}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {shown && (
        <Suspense fallback={null}>
          <RecordingPlayer
            key={shown.id}
            cluster={cluster}
            namespace={namespace}
            name={name}
            id={shown.id}
            startedAt={shown.startedAt}
            onClose={() => {
              setPlaying(null)
              setLinkClosed(true)
            }}
          />
        </Suspense>
      )}
    </ExpandableSection>
  )
}
