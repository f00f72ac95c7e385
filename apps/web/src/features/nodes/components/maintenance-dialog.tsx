import { Modal, ModalBody, ModalHeader } from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { NodeSummary } from '@vmdeck/shared'
import { DialogFooter } from '../../../components/ui/dialog-footer.tsx'
import { insightQueries } from '../api/insight-queries.ts'
import { WhatIfSummary } from './what-if-summary.tsx'

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
  return (
    <Modal isOpen onClose={onClose} variant="large" aria-labelledby="maintenance-title">
      <ModalHeader
        title={`Enter maintenance on ${node.name}?`}
        labelId="maintenance-title"
        description="The node is cordoned, then every VM on it is evicted: KubeVirt live-migrates the ones that can move, as their eviction strategy says."
      />
      <ModalBody>
        <WhatIfSummary plan={plan} />
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
