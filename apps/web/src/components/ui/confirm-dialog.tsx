import { Button, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core'
import type { ReactNode } from 'react'

/** A yes/no question; the confirm button carries the verb. */
export function ConfirmDialog({
  title,
  children,
  verb,
  danger,
  onConfirm,
  onClose,
}: {
  title: string
  children: ReactNode
  verb: string
  danger?: boolean
  onConfirm: () => void
  onClose: () => void
}) {
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="confirm-title">
      <ModalHeader
        title={title}
        labelId="confirm-title"
        {...(danger ? { titleIconVariant: 'warning' as const } : {})}
      />
      <ModalBody>{children}</ModalBody>
      <ModalFooter>
        <Button variant={danger ? 'danger' : 'primary'} onClick={onConfirm}>
          {verb}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  )
}
