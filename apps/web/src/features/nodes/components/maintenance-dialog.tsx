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
import type { NodeSummary, VmList } from '@vmdeck/shared'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { api } from '../../../lib/api-client.ts'
import { clusterPath } from '../../../lib/cluster-queries.ts'
import { DialogFooter } from '../../../components/ui/dialog-footer.tsx'

/**
 * "Enter maintenance": before the drain starts, say which VMs will live-migrate away and which
 * cannot (and why), so nothing is stopped by surprise.
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
  const vms = useQuery({
    queryKey: ['clusters', cluster, 'vms', 'on-node', node.name],
    queryFn: ({ signal }) =>
      api.get<VmList>(
        `${clusterPath(cluster)}/vms?node=${encodeURIComponent(node.name)}&limit=1000`,
        { signal },
      ),
  })
  const items = vms.data?.items ?? []
  const movable = items.filter((vm) => vm.flags.liveMigratable !== false)
  const stuck = items.filter((vm) => vm.flags.liveMigratable === false)
  return (
    <Modal isOpen onClose={onClose} variant="medium" aria-labelledby="maintenance-title">
      <ModalHeader
        title={`Enter maintenance on ${node.name}?`}
        labelId="maintenance-title"
        description="The node is cordoned, then every VM on it is evicted: KubeVirt live-migrates the ones that can move."
      />
      <ModalBody>
        {vms.error && (
          <ErrorAlert error={vms.error} title="The VMs on this node could not be listed" />
        )}
        {vms.isPending && <Skeleton screenreaderText="Loading the VMs on the node" />}
        {vms.data && items.length === 0 && <p>No VM runs on {node.name}.</p>}
        {movable.length > 0 && (
          <>
            <Title headingLevel="h3" size="md">
              {movable.length} will live-migrate
            </Title>
            <List isPlain aria-label="VMs that will migrate">
              {movable.map((vm) => (
                <ListItem key={`${vm.namespace}/${vm.name}`}>
                  {vm.name} <span className="vmdeck-muted">{vm.namespace}</span>
                </ListItem>
              ))}
            </List>
          </>
        )}
        {stuck.length > 0 && (
          <Alert
            variant="warning"
            isInline
            title={`${stuck.length} cannot live-migrate`}
            style={{ marginTop: 12 }}
          >
            <List aria-label="VMs that cannot migrate">
              {stuck.map((vm) => (
                <ListItem key={`${vm.namespace}/${vm.name}`}>
                  {vm.name} ({vm.namespace}): not live-migratable (e.g. a local disk or a host
                  device). Its eviction strategy decides: it blocks the drain or is stopped.
                </ListItem>
              ))}
            </List>
          </Alert>
        )}
      </ModalBody>
      <DialogFooter
        verb="Enter maintenance"
        isDisabled={!vms.data && !vms.error}
        onConfirm={onConfirm}
        onCancel={onClose}
      />
    </Modal>
  )
}
