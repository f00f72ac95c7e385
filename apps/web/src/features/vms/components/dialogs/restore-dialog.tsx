import { Alert, Modal, ModalBody, ModalHeader, Spinner } from '@patternfly/react-core'
import type { VmPrintableStatus } from '@vmdeck/shared'
import { useEffect, useState } from 'react'
import { DialogFooter } from '../../../../components/ui/dialog-footer.tsx'

/**
 * Restore a snapshot in place. KubeVirt restores only a stopped VM, so a running one is offered
 * "Stop and restore": stop, wait (live status) until it is Stopped, then restore.
 */
export function RestoreDialog({
  vmName,
  snapshot,
  status,
  onStop,
  onRestore,
  onClose,
}: {
  vmName: string
  snapshot: string
  /** The VM's live status. */
  status: VmPrintableStatus
  onStop: () => void
  onRestore: () => void
  onClose: () => void
}) {
  const [waiting, setWaiting] = useState(false)
  const stopped = status === 'Stopped'
  useEffect(() => {
    if (waiting && stopped) onRestore()
  }, [waiting, stopped, onRestore])
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="restore-title">
      <ModalHeader
        title={`Restore ${vmName}?`}
        labelId="restore-title"
        titleIconVariant="warning"
        description={`The VM's disks and configuration go back to snapshot ${snapshot}. Changes made since are lost.`}
      />
      <ModalBody>
        {!stopped && !waiting && (
          <Alert variant="info" isInline title="The VM must be stopped first">
            {vmName} is {status.toLowerCase()}. vmdeck can stop it and restore as soon as it has
            stopped.
          </Alert>
        )}
        {waiting && (
          <p role="status">
            <Spinner size="md" aria-hidden /> Waiting for {vmName} to stop ({status})…
          </p>
        )}
      </ModalBody>
      {stopped ? (
        <DialogFooter verb="Restore" danger onConfirm={onRestore} onCancel={onClose} />
      ) : (
        <DialogFooter
          verb="Stop and restore"
          danger
          isDisabled={waiting}
          isLoading={waiting}
          onConfirm={() => {
            setWaiting(true)
            onStop()
          }}
          onCancel={onClose}
        />
      )}
    </Modal>
  )
}
