import { Button, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import { insightQueries } from '../api/insight-queries.ts'
import { WhatIfSummary } from './what-if-summary.tsx'

/** The what-if for a set of nodes at once (read only: each node enters maintenance on its own row). */
export function WhatIfDialog({
  cluster,
  nodes,
  onClose,
}: {
  cluster: string
  nodes: string[]
  onClose: () => void
}) {
  const plan = useQuery(insightQueries.maintenance(cluster, nodes))
  return (
    <Modal isOpen onClose={onClose} variant="large" aria-labelledby="what-if-title">
      <ModalHeader
        title={`What if ${nodes.join(', ')} entered maintenance?`}
        labelId="what-if-title"
        description="Where each VM on these nodes would go with all of them cordoned at once, and the headroom left."
      />
      <ModalBody>
        <WhatIfSummary plan={plan} />
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" onClick={onClose}>
          Close
        </Button>
      </ModalFooter>
    </Modal>
  )
}
