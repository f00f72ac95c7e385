import { Alert, Modal, ModalBody, ModalHeader, Radio, Skeleton } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useQuery } from '@tanstack/react-query'
import type { NodeSummary, VmSummary } from '@vmdeck/shared'
import { useState } from 'react'
import { ErrorAlert } from '../../../../components/ui/error-alert.tsx'
import { clusterQueries } from '../../../../lib/cluster-queries.ts'
import { formatBytes, formatCores } from '../../../../lib/format.ts'
import { DialogFooter } from '../../../../components/ui/dialog-footer.tsx'

const whyNot = (node: NodeSummary, sources: Set<string | undefined>) =>
  !node.ready
    ? 'Not ready'
    : !node.schedulable
      ? 'Cordoned'
      : sources.has(node.name)
        ? 'Runs the VM now'
        : undefined

/** Live-migrate: let the scheduler choose, or pick a node that has room. */
export function MigrateVmDialog({
  cluster,
  vms,
  onConfirm,
  onClose,
}: {
  cluster: string
  vms: VmSummary[]
  onConfirm: (targetNode: string | undefined) => void
  onClose: () => void
}) {
  const [mode, setMode] = useState<'auto' | 'node'>('auto')
  const [target, setTarget] = useState<string>()
  const nodes = useQuery({ ...clusterQueries.nodes(cluster), enabled: mode === 'node' })
  const sources = new Set(vms.map((vm) => vm.node))
  const single = vms.length === 1 ? vms[0] : undefined
  const title = single ? `Migrate ${single.name}` : `Migrate ${vms.length} virtual machines`
  return (
    <Modal isOpen onClose={onClose} variant="medium" aria-labelledby="migrate-title">
      <ModalHeader
        title={title}
        labelId="migrate-title"
        description={
          single?.node
            ? `Live migration moves the running VM off ${single.node} without stopping it.`
            : 'Live migration moves running VMs to another node without stopping them.'
        }
      />
      <ModalBody>
        <Radio
          id="migrate-auto"
          name="migrate-mode"
          label="Automatic: the scheduler picks a node"
          isChecked={mode === 'auto'}
          onChange={() => setMode('auto')}
        />
        <Radio
          id="migrate-node"
          name="migrate-mode"
          label="Choose the target node"
          isChecked={mode === 'node'}
          onChange={() => setMode('node')}
        />
        {mode === 'node' && (
          <div style={{ marginTop: 12 }}>
            {nodes.error && <ErrorAlert error={nodes.error} title="Nodes could not be loaded" />}
            {nodes.isPending && <Skeleton screenreaderText="Loading nodes" />}
            {nodes.data && (
              <Table aria-label="Target nodes" variant="compact" className="vmdeck-table">
                <Thead>
                  <Tr>
                    <Th screenReaderText="Select" />
                    <Th>Node</Th>
                    <Th>Free CPU</Th>
                    <Th>Free memory</Th>
                    <Th>VMs</Th>
                    <Th>Note</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {nodes.data.items.map((node) => {
                    const reason = whyNot(node, sources)
                    return (
                      <Tr key={node.name}>
                        <Td className="pf-v6-c-table__check">
                          <Radio
                            id={`target-${node.name}`}
                            name="target-node"
                            aria-label={`Migrate to ${node.name}`}
                            isChecked={target === node.name}
                            isDisabled={Boolean(reason)}
                            onChange={() => setTarget(node.name)}
                          />
                        </Td>
                        <Td dataLabel="Node">{node.name}</Td>
                        <Td dataLabel="Free CPU">
                          {formatCores(node.allocatable.cpu - node.used.cpu)} of{' '}
                          {formatCores(node.allocatable.cpu)}
                        </Td>
                        <Td dataLabel="Free memory">
                          {formatBytes(node.allocatable.memory - node.used.memory)} of{' '}
                          {formatBytes(node.allocatable.memory)}
                        </Td>
                        <Td dataLabel="VMs">{node.vmCount}</Td>
                        <Td dataLabel="Note">{reason ?? ''}</Td>
                      </Tr>
                    )
                  })}
                </Tbody>
              </Table>
            )}
          </div>
        )}
        {vms.some((vm) => vm.status !== 'Running') && (
          <Alert variant="info" isInline isPlain title="VMs that are not running are skipped." />
        )}
      </ModalBody>
      <DialogFooter
        verb="Migrate"
        isDisabled={mode === 'node' && !target}
        onConfirm={() => onConfirm(mode === 'node' ? target : undefined)}
        onCancel={onClose}
      />
    </Modal>
  )
}
