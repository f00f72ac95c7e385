import {
  Alert,
  List,
  ListItem,
  Modal,
  ModalBody,
  ModalHeader,
  Skeleton,
  Title,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { NodeSummary } from '@vmdeck/shared'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { DialogFooter } from '../../../components/ui/dialog-footer.tsx'
import { insightQueries } from '../api/insight-queries.ts'
import { WhatIfTable } from './what-if-table.tsx'

/**
 * "Enter maintenance": before the drain starts, the what-if says where each VM would land, which
 * cannot move and why, and whether the cluster could still lose a node afterwards, so nothing is
 * stopped or stranded by surprise.
 */
export function MaintenanceDialog({
  cluster,
  node,
  onConfirm,
  onClose,
}: {
  cluster: string
  node: NodeSummary
  onConfirm: () => void
  onClose: () => void
}) {
  const plan = useQuery(insightQueries.maintenance(cluster, [node.name]))
  const vms = plan.data?.vms ?? []
  const movers = vms.length - vms.filter((vm) => vm.effect !== 'migrates').length
  const stuck = vms.length - movers
  return (
    <Modal isOpen onClose={onClose} variant="large" aria-labelledby="maintenance-title">
      <ModalHeader
        title={`Enter maintenance on ${node.name}?`}
        labelId="maintenance-title"
        description="The node is cordoned, then every VM on it is evicted: KubeVirt live-migrates the ones that can move, as their eviction strategy says."
      />
      <ModalBody>
        {plan.error && <ErrorAlert error={plan.error} title="The what-if could not be computed" />}
        {plan.isPending && <Skeleton screenreaderText="Working out where the VMs would go" />}
        {plan.data && vms.length === 0 && <p>No VM you may see runs on {node.name}.</p>}
        {plan.data && (
          <>
            {stuck > 0 && (
              <Alert
                variant="warning"
                isInline
                title={`${stuck} of ${vms.length} VM(s) will not simply move`}
                style={{ marginBottom: 12 }}
              />
            )}
            {movers > 0 && (
              <Title headingLevel="h3" size="md">
                {movers} will live-migrate
              </Title>
            )}
            {vms.length > 0 && <WhatIfTable vms={vms} />}
            {plan.data.hiddenVms > 0 && (
              <p className="vmdeck-muted">
                {plan.data.hiddenVms} more VM(s) on this node are in namespaces you may not see.
              </p>
            )}
            {plan.data.headroom && (
              <Alert
                variant={plan.data.headroom.survives ? 'info' : 'danger'}
                isInline
                isPlain
                title={`Afterwards (N-1): ${plan.data.headroom.message}`}
                style={{ marginTop: 12 }}
              />
            )}
            <List isPlain className="vmdeck-muted" style={{ marginTop: 12, fontSize: 'small' }}>
              {plan.data.caveats.map((caveat) => (
                <ListItem key={caveat}>{caveat}</ListItem>
              ))}
            </List>
          </>
        )}
      </ModalBody>
      <DialogFooter
        verb="Enter maintenance"
        isDisabled={!plan.data && !plan.error}
        onConfirm={onConfirm}
        onCancel={onClose}
      />
    </Modal>
  )
}
