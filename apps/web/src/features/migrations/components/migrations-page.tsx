import { Button, Label, PageSection, Progress, Title } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useMutation, useQuery } from '@tanstack/react-query'
import type { VmMigration } from '@vmdeck/shared'
import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { api } from '../../../lib/api-client.ts'
import { clusterPath, clusterQueries } from '../../../lib/cluster-queries.ts'
import { MigrationAdvisor } from './migration-advisor.tsx'
import { MigrationPairs } from './migration-pairs.tsx'

const color = (m: VmMigration) =>
  m.phase === 'Succeeded' ? 'green' : m.phase === 'Failed' ? 'red' : m.active ? 'blue' : 'grey'

/** Active and recent live migrations across the cluster, kept live by the stream. */
export default function MigrationsPage({ cluster }: { cluster: string }) {
  const [params] = useSearchParams()
  const namespace = params.get('namespace') ?? ''
  const migrations = useQuery(clusterQueries.migrations(cluster))
  const [advised, setAdvised] = useState<VmMigration>()
  const cancel = useMutation({
    mutationFn: (m: VmMigration) =>
      api.delete<unknown>(
        `${clusterPath(cluster)}/namespaces/${m.namespace}/vms/${m.vmName}/migrations/${m.name}`,
      ),
    meta: {
      success: (m: VmMigration) => `Cancelling the migration of ${m.vmName}`,
      error: (m: VmMigration) => `Could not cancel the migration of ${m.vmName}`,
    },
  })
  const items = (migrations.data?.items ?? [])
    .filter((m) => !namespace || m.namespace === namespace)
    .sort((a, b) => Number(b.active) - Number(a.active) || b.createdAt.localeCompare(a.createdAt))
  return (
    <PageSection>
      <Title headingLevel="h1" size="xl" style={{ marginBottom: 8 }}>
        Migrations
      </Title>
      {migrations.error && (
        <ErrorAlert error={migrations.error} title="Migrations could not be loaded" />
      )}
      <Table aria-label="Migrations" variant="compact" className="vmdeck-table">
        <Thead>
          <Tr>
            <Th>VM</Th>
            <Th>Namespace</Th>
            <Th>Phase</Th>
            <Th>From → to</Th>
            <Th>Progress</Th>
            <Th>Reason</Th>
            <Th>Started</Th>
            <Th screenReaderText="Actions" />
          </Tr>
        </Thead>
        <Tbody>
          {items.map((m) => (
            <Tr key={`${m.namespace}/${m.name}`}>
              <Td dataLabel="VM">
                <Link to={`/vms/${m.namespace}/${m.vmName}/migrations`}>{m.vmName}</Link>
              </Td>
              <Td dataLabel="Namespace">{m.namespace}</Td>
              <Td dataLabel="Phase">
                <Label isCompact color={color(m)}>
                  {m.phase}
                </Label>
              </Td>
              <Td dataLabel="From → to">
                {m.sourceNode ?? '?'} → {m.targetNode ?? '…'}
              </Td>
              <Td dataLabel="Progress">
                <Progress
                  value={m.progress ?? (m.phase === 'Succeeded' ? 100 : 0)}
                  size="sm"
                  aria-label={`Progress of ${m.vmName}`}
                  style={{ minWidth: 140 }}
                />
              </Td>
              <Td dataLabel="Reason">
                {m.failureReason ?? (m.evacuation ? 'Node maintenance' : 'User request')}
              </Td>
              <Td dataLabel="Started">{new Date(m.startedAt ?? m.createdAt).toLocaleString()}</Td>
              <Td isActionCell>
                {m.active && (
                  <Button
                    variant="link"
                    size="sm"
                    onClick={() => setAdvised(m)}
                    aria-label={`Advise on the migration of ${m.vmName}`}
                  >
                    Advise
                  </Button>
                )}
                {m.active && (
                  <Button
                    variant="link"
                    isDanger
                    size="sm"
                    isAriaDisabled={m.abortRequested}
                    onClick={() => cancel.mutate(m)}
                    aria-label={`Cancel migration of ${m.vmName}`}
                  >
                    Cancel migration
                  </Button>
                )}
              </Td>
            </Tr>
          ))}
          {migrations.data && items.length === 0 && (
            <Tr>
              <Td colSpan={8}>No migrations right now or recently.</Td>
            </Tr>
          )}
          {migrations.isPending && (
            <Tr>
              <Td colSpan={8}>Loading migrations…</Td>
            </Tr>
          )}
        </Tbody>
      </Table>
      <MigrationPairs cluster={cluster} />
      {advised && (
        <MigrationAdvisor
          cluster={cluster}
          migration={advised}
          onClose={() => setAdvised(undefined)}
        />
      )}
    </PageSection>
  )
}
