import { Title } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useQuery } from '@tanstack/react-query'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { migrationInsightQueries } from '../api/insight-queries.ts'

const seconds = (value: number | undefined) =>
  value === undefined ? '—' : `${Math.round(value)} s`

/** Recent migrations per source → target node: a slow or failing link shows up here. */
export function MigrationPairs({ cluster }: { cluster: string }) {
  const history = useQuery(migrationInsightQueries.history(cluster))
  const pairs = history.data?.pairs ?? []
  return (
    <>
      <Title headingLevel="h2" size="lg" style={{ margin: '24px 0 8px' }}>
        By node pair
      </Title>
      {history.error && (
        <ErrorAlert error={history.error} title="The migration history could not be loaded" />
      )}
      <Table aria-label="Migrations by node pair" variant="compact" className="vmdeck-table">
        <Thead>
          <Tr>
            <Th>From → to</Th>
            <Th>Migrations</Th>
            <Th>Succeeded</Th>
            <Th>Failed</Th>
            <Th>Median duration</Th>
            <Th>Longest</Th>
          </Tr>
        </Thead>
        <Tbody>
          {pairs.map((p) => (
            <Tr key={`${p.sourceNode}→${p.targetNode}`}>
              <Td dataLabel="From → to">
                {p.sourceNode} → {p.targetNode}
              </Td>
              <Td dataLabel="Migrations">
                {p.total}
                {p.running ? ` (${p.running} running)` : ''}
              </Td>
              <Td dataLabel="Succeeded">{p.succeeded}</Td>
              <Td dataLabel="Failed">{p.failed}</Td>
              <Td dataLabel="Median duration">{seconds(p.medianSeconds)}</Td>
              <Td dataLabel="Longest">{seconds(p.longestSeconds)}</Td>
            </Tr>
          ))}
          {history.data && pairs.length === 0 && (
            <Tr>
              <Td colSpan={6}>No migration between nodes is recorded.</Td>
            </Tr>
          )}
        </Tbody>
      </Table>
    </>
  )
}
