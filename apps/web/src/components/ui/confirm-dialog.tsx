import { Modal, ModalBody, ModalHeader } from '@patternfly/react-core'
import type { ReactNode } from 'react'
import { DialogFooter } from './dialog-footer.tsx'

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
      <DialogFooter verb={verb} danger={danger ?? false} onConfirm={onConfirm} onCancel={onClose} />
    </Modal>
  )
}
