import { Button, Flex, Label, Progress, Skeleton } from '@patternfly/react-core'
import { Td, Tr } from '@patternfly/react-table'
import type { NodeAction, NodeDrain, NodeSummary } from '@vmdeck/shared'
import { Suspense, type ComponentType } from 'react'
import { Link } from 'react-router'
import { formatBytes, formatCores } from '../../../lib/format.ts'
import type { Decision } from '../../../lib/permissions.ts'
import { ExplainedButton } from '../../../components/ui/explained-button.tsx'

/**
 * What a node uses of its CPU or memory, now and recently, from the cluster's metrics; the
 * metrics feature provides it (through app/).
 */
export type NodeUsageCell = ComponentType<{
  cluster: string
  node: string
  metric: 'cpu' | 'memory'
  capacity: number
  allocatable: number
}>

/** What the pods on a node request, of what it can allocate: `req 1 / 8 cores`. */
function requested(node: NodeSummary, metric: 'cpu' | 'memory'): string {
  return metric === 'cpu'
    ? `req ${formatCores(node.used.cpu)} / ${formatCores(node.allocatable.cpu)} cores`
    : `req ${formatBytes(node.used.memory)} / ${formatBytes(node.allocatable.memory)}`
}

const drainTitle = (drain: NodeDrain) =>
  drain.phase === 'Drained'
    ? 'Empty: ready for maintenance'
    : drain.phase === 'Failed'
      ? `Drain failed${drain.message ? `: ${drain.message}` : ''}`
      : `Moving VMs: ${drain.remaining} of ${drain.total} left`

function DrainProgress({ node, drain }: { node: string; drain: NodeDrain }) {
  return (
    <Progress
      value={drain.total ? ((drain.total - drain.remaining) / drain.total) * 100 : 100}
      title={drainTitle(drain)}
      variant={
        drain.phase === 'Failed' ? 'danger' : drain.phase === 'Drained' ? 'success' : undefined
      }
      size="sm"
      aria-label={`Maintenance of ${node}`}
      style={{ minWidth: 160 }}
    />
  )
}

export interface NodeRowProps {
  cluster: string
  node: NodeSummary
  Usage: NodeUsageCell
  canCordon: Decision
  canDrain: Decision
  onAction: (action: NodeAction) => void
  onEnterMaintenance: () => void
}

/** One node: health, use and requests, maintenance, and its actions. */
export function NodeRow({
  cluster,
  node,
  Usage,
  canCordon,
  canDrain,
  onAction,
  onEnterMaintenance,
}: NodeRowProps) {
  // Use is the figure that matters; what pods request (what the scheduler counts) comes second.
  const usageCell = (metric: 'cpu' | 'memory') => (
    <>
      <Suspense fallback={<Skeleton width="120px" screenreaderText="Loading metrics" />}>
        <Usage
          cluster={cluster}
          node={node.name}
          metric={metric}
          capacity={node.capacity[metric]}
          allocatable={node.allocatable[metric]}
        />
      </Suspense>
      <div className="vmdeck-muted vmdeck-node-requests">{requested(node, metric)}</div>
    </>
  )
  return (
    <Tr data-node={node.name}>
      <Td dataLabel="Name" modifier="nowrap">
        {node.name}
        {node.roles.length > 0 && <span className="vmdeck-muted"> {node.roles.join(', ')}</span>}
      </Td>
      <Td dataLabel="Status">
        <span className="vmdeck-nowrap">
          <Label isCompact color={node.ready ? 'green' : 'red'}>
            {node.ready ? 'Ready' : 'Not ready'}
          </Label>{' '}
          {node.schedulable ? (
            <span className="vmdeck-muted">Schedulable</span>
          ) : (
            <Label isCompact color="orange">
              Cordoned
            </Label>
          )}
        </span>
        {node.drain && <DrainProgress node={node.name} drain={node.drain} />}
      </Td>
      <Td dataLabel="VMs">
        <Link to={`/vms?node=${encodeURIComponent(node.name)}`}>{node.vmCount}</Link>
      </Td>
      <Td dataLabel="CPU">{usageCell('cpu')}</Td>
      <Td dataLabel="Memory">{usageCell('memory')}</Td>
      <Td isActionCell>
        <NodeActions
          node={node}
          canCordon={canCordon}
          canDrain={canDrain}
          onAction={onAction}
          onEnterMaintenance={onEnterMaintenance}
        />
      </Td>
    </Tr>
  )
}

function NodeActions({
  node,
  canCordon,
  canDrain,
  onAction,
  onEnterMaintenance,
}: Omit<NodeRowProps, 'cluster' | 'Usage'>) {
  const cordonLabel = node.schedulable ? 'Cordon' : 'Uncordon'
  return (
    <Flex gap={{ default: 'gapSm' }} flexWrap={{ default: 'nowrap' }}>
      <ExplainedButton
        blocked={!canCordon.allowed}
        reason={canCordon.reason}
        variant="secondary"
        size="sm"
        onClick={() => onAction(node.schedulable ? 'cordon' : 'uncordon')}
        aria-label={`${cordonLabel} ${node.name}`}
      >
        {cordonLabel}
      </ExplainedButton>
      {!node.schedulable && node.drain ? (
        <Button
          variant="secondary"
          size="sm"
          isAriaDisabled={!canCordon.allowed}
          onClick={() => onAction('uncordon')}
          aria-label={`Exit maintenance on ${node.name}`}
        >
          Exit maintenance
        </Button>
      ) : (
        <ExplainedButton
          blocked={!canDrain.allowed}
          reason={canDrain.reason}
          variant="secondary"
          size="sm"
          onClick={onEnterMaintenance}
          aria-label={`Enter maintenance on ${node.name}`}
        >
          Enter maintenance
        </ExplainedButton>
      )}
    </Flex>
  )
}
