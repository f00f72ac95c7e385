import { Alert, Button, Label, Progress, Skeleton } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useQuery } from '@tanstack/react-query'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { formatBytes, formatCores } from '../../../lib/format.ts'
import { useState } from 'react'
import { insightQueries } from '../api/insight-queries.ts'
import { WhatIfDialog } from './what-if-dialog.tsx'

const share = (requested: number, allocatable: number) =>
  allocatable > 0 ? Math.min(100, (requested / allocatable) * 100) : 0

/**
 * Capacity: per node what its pods request of what it can allocate, its VMs, and the N-1
 * question (could the cluster lose this node and restart its VMs elsewhere?).
 */
export function CapacityView({ cluster }: { cluster: string }) {
  const report = useQuery(insightQueries.capacity(cluster))
  const [selected, setSelected] = useState<string[]>([])
  const [whatIf, setWhatIf] = useState<string[]>()
  if (report.error)
    return <ErrorAlert error={report.error} title="Capacity could not be computed" />
  if (!report.data) return <Skeleton screenreaderText="Computing capacity" />
  const { nodes, biggestNode, survivesBiggestLoss } = report.data
  const biggest = nodes.find((n) => n.name === biggestNode)
  return (
    <>
      {biggest && (
        <Alert
          variant={survivesBiggestLoss ? 'success' : 'danger'}
          isInline
          title={`N-1: ${biggest.loss.message}`}
          style={{ marginBottom: 12 }}
        >
          {biggestNode} is the node with the most allocatable memory.
        </Alert>
      )}
      <Button
        variant="secondary"
        isDisabled={selected.length === 0}
        onClick={() => setWhatIf(selected)}
        style={{ marginBottom: 8 }}
      >
        What if the selected nodes entered maintenance?
      </Button>
      <Table aria-label="Capacity" variant="compact" className="vmdeck-table">
        <Thead>
          <Tr>
            <Th screenReaderText="Select" />
            <Th>Node</Th>
            <Th>CPU requested</Th>
            <Th>Memory requested</Th>
            <Th>VMs</Th>
            <Th
              info={{ tooltip: 'Would every VM on the node fit on the other schedulable nodes?' }}
            >
              Can the cluster lose it?
            </Th>
          </Tr>
        </Thead>
        <Tbody>
          {nodes.map((node, rowIndex) => (
            <Tr key={node.name} data-node={node.name}>
              <Td
                select={{
                  rowIndex,
                  isSelected: selected.includes(node.name),
                  onSelect: (_event, isSelecting) =>
                    setSelected((now) =>
                      isSelecting ? [...now, node.name] : now.filter((n) => n !== node.name),
                    ),
                }}
                aria-label={`Select ${node.name}`}
              />
              <Td dataLabel="Node">
                {node.name}
                {!node.schedulable && <span className="vmdeck-muted"> (cordoned)</span>}
              </Td>
              <Td dataLabel="CPU requested">
                <Progress
                  value={share(node.requested.cpu, node.allocatable.cpu)}
                  size="sm"
                  aria-label={`${node.name} CPU requested`}
                  label={`${formatCores(node.requested.cpu)} / ${formatCores(node.allocatable.cpu)} cores`}
                />
              </Td>
              <Td dataLabel="Memory requested">
                <Progress
                  value={share(node.requested.memory, node.allocatable.memory)}
                  size="sm"
                  aria-label={`${node.name} memory requested`}
                  label={`${formatBytes(node.requested.memory)} / ${formatBytes(node.allocatable.memory)}`}
                />
              </Td>
              <Td dataLabel="VMs">{node.vmCount}</Td>
              <Td dataLabel="Can the cluster lose it?">
                <Label isCompact color={node.loss.survives ? 'green' : 'red'}>
                  {node.loss.survives ? 'Yes' : 'No'}
                </Label>{' '}
                <span className="vmdeck-muted">{node.loss.message}</span>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {whatIf && (
        <WhatIfDialog cluster={cluster} nodes={whatIf} onClose={() => setWhatIf(undefined)} />
      )}
    </>
  )
}
