import { Button, Flex, Label, PageSection, Progress, Title, Tooltip } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useMutation, useQuery } from '@tanstack/react-query'
import type { NodeAction, NodeSummary, OperationAccepted } from '@vmdeck/shared'
import { useState } from 'react'
import { Link } from 'react-router'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { NodeSparklinesSlot } from '../../../components/ui/feature-slots.tsx'
import { api } from '../../../lib/api-client.ts'
import {
  clusterPath,
  clusterQueries,
  formatBytes,
  formatCores,
} from '../../../lib/cluster-queries.ts'
import { usePermissions } from '../../../lib/permissions.ts'
import { MaintenanceDialog } from './maintenance-dialog.tsx'

const verbs: Record<NodeAction, [string, string]> = {
  cordon: ['Cordoning', 'cordon'],
  uncordon: ['Uncordoning', 'uncordon'],
  drain: ['Draining', 'drain'],
}

export function useNodeAction(cluster: string) {
  return useMutation({
    mutationFn: ({ node, action }: { node: string; action: NodeAction }) =>
      api.post<OperationAccepted>(
        `${clusterPath(cluster)}/nodes/${encodeURIComponent(node)}/${action}`,
        {},
      ),
    meta: {
      success: ({ node, action }: { node: string; action: NodeAction }) =>
        `${verbs[action][0]} ${node}`,
      error: ({ node, action }: { node: string; action: NodeAction }) =>
        `Could not ${verbs[action][1]} ${node}`,
    },
  })
}

const usage = (used: number, total: number, format: (n: number) => string) => (
  <Progress
    value={total ? Math.min(100, (used / total) * 100) : 0}
    measureLocation="none"
    size="sm"
    aria-label={`${format(used)} of ${format(total)}`}
    title={`${format(used)} / ${format(total)}`}
    style={{ minWidth: 140 }}
  />
)

export default function NodesPage({ cluster }: { cluster: string }) {
  const nodes = useQuery(clusterQueries.nodes(cluster))
  const action = useNodeAction(cluster)
  const can = usePermissions(cluster, [
    { verb: 'patch', resource: 'nodes' },
    { verb: 'create', resource: 'pods', subresource: 'eviction' },
  ])
  const canCordon = can({ verb: 'patch', resource: 'nodes' })
  const canDrain = can({ verb: 'create', resource: 'pods', subresource: 'eviction' })
  const [maintenance, setMaintenance] = useState<NodeSummary>()

  return (
    <PageSection>
      <Title headingLevel="h1" size="xl" style={{ marginBottom: 8 }}>
        Nodes
      </Title>
      {nodes.error && <ErrorAlert error={nodes.error} title="Nodes could not be loaded" />}
      <Table aria-label="Nodes" variant="compact" className="vmdeck-table">
        <Thead>
          <Tr>
            <Th>Name</Th>
            <Th>Status</Th>
            <Th>Scheduling</Th>
            <Th>VMs</Th>
            <Th>CPU requested</Th>
            <Th>Memory requested</Th>
            <Th>Maintenance</Th>
            <Th screenReaderText="Actions" />
          </Tr>
        </Thead>
        <Tbody>
          {nodes.data?.items.map((node) => {
            const drain = node.drain
            const inMaintenance = !node.schedulable
            return (
              <Tr key={node.name} data-node={node.name}>
                <Td dataLabel="Name">
                  {node.name}
                  {node.roles.length > 0 && (
                    <span className="vmdeck-muted"> {node.roles.join(', ')}</span>
                  )}
                </Td>
                <Td dataLabel="Status">
                  <Label isCompact color={node.ready ? 'green' : 'red'}>
                    {node.ready ? 'Ready' : 'Not ready'}
                  </Label>
                </Td>
                <Td dataLabel="Scheduling">
                  {node.schedulable ? (
                    'Schedulable'
                  ) : (
                    <Label isCompact color="orange">
                      Cordoned
                    </Label>
                  )}
                </Td>
                <Td dataLabel="VMs">
                  <Link to={`/vms?node=${encodeURIComponent(node.name)}`}>{node.vmCount}</Link>
                </Td>
                <Td dataLabel="CPU requested">
                  {usage(node.used.cpu, node.allocatable.cpu, (n) => `${formatCores(n)} cores`)}
                </Td>
                <Td dataLabel="Memory requested">
                  {usage(node.used.memory, node.allocatable.memory, formatBytes)}
                </Td>
                <Td dataLabel="Maintenance">
                  {drain ? (
                    <Progress
                      value={
                        drain.total ? ((drain.total - drain.remaining) / drain.total) * 100 : 100
                      }
                      title={
                        drain.phase === 'Drained'
                          ? 'Empty: ready for maintenance'
                          : drain.phase === 'Failed'
                            ? `Drain failed${drain.message ? `: ${drain.message}` : ''}`
                            : `Moving VMs: ${drain.remaining} of ${drain.total} left`
                      }
                      variant={
                        drain.phase === 'Failed'
                          ? 'danger'
                          : drain.phase === 'Drained'
                            ? 'success'
                            : undefined
                      }
                      size="sm"
                      aria-label={`Maintenance of ${node.name}`}
                      style={{ minWidth: 200 }}
                    />
                  ) : (
                    '—'
                  )}
                </Td>
                <Td isActionCell>
                  <Flex gap={{ default: 'gapSm' }} flexWrap={{ default: 'nowrap' }}>
                    <Tooltip
                      content={canCordon.reason ?? ''}
                      trigger={canCordon.allowed ? 'manual' : 'mouseenter focus'}
                    >
                      <Button
                        variant="secondary"
                        size="sm"
                        isAriaDisabled={!canCordon.allowed}
                        onClick={() =>
                          action.mutate({
                            node: node.name,
                            action: node.schedulable ? 'cordon' : 'uncordon',
                          })
                        }
                        aria-label={`${node.schedulable ? 'Cordon' : 'Uncordon'} ${node.name}`}
                      >
                        {node.schedulable ? 'Cordon' : 'Uncordon'}
                      </Button>
                    </Tooltip>
                    {inMaintenance && drain ? (
                      <Button
                        variant="secondary"
                        size="sm"
                        isAriaDisabled={!canCordon.allowed}
                        onClick={() => action.mutate({ node: node.name, action: 'uncordon' })}
                        aria-label={`Exit maintenance on ${node.name}`}
                      >
                        Exit maintenance
                      </Button>
                    ) : (
                      <Tooltip
                        content={canDrain.reason ?? ''}
                        trigger={canDrain.allowed ? 'manual' : 'mouseenter focus'}
                      >
                        <Button
                          variant="secondary"
                          size="sm"
                          isAriaDisabled={!canDrain.allowed}
                          onClick={() => setMaintenance(node)}
                          aria-label={`Enter maintenance on ${node.name}`}
                        >
                          Enter maintenance
                        </Button>
                      </Tooltip>
                    )}
                  </Flex>
                </Td>
              </Tr>
            )
          })}
          {nodes.isPending && (
            <Tr>
              <Td colSpan={8}>Loading nodes…</Td>
            </Tr>
          )}
        </Tbody>
      </Table>
      <div style={{ marginTop: 16 }}>
        <NodeSparklinesSlot cluster={cluster} />
      </div>
      {maintenance && (
        <MaintenanceDialog
          cluster={cluster}
          node={maintenance}
          onClose={() => setMaintenance(undefined)}
          onConfirm={() => {
            action.mutate({ node: maintenance.name, action: 'drain' })
            setMaintenance(undefined)
          }}
        />
      )}
    </PageSection>
  )
}
