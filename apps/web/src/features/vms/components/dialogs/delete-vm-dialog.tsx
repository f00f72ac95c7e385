import {
  Checkbox,
  Form,
  FormGroup,
  Modal,
  ModalBody,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core'
import { useState } from 'react'
import type { VmRef } from '../../../../lib/vm-queries.ts'
import { DialogFooter } from '../../../../components/ui/dialog-footer.tsx'

/** Delete one or many VMs: type the name (or the count) to confirm; disks optional. */
export function DeleteVmDialog({
  vms,
  onConfirm,
  onClose,
}: {
  vms: VmRef[]
  onConfirm: (options: { deleteDisks: boolean }) => void
  onClose: () => void
}) {
  const [typed, setTyped] = useState('')
  const [deleteDisks, setDeleteDisks] = useState(true)
  const single = vms.length === 1 ? vms[0] : undefined
  const expected = single ? single.name : String(vms.length)
  const confirmed = typed.trim() === expected
  const title = single ? `Delete ${single.name}?` : `Delete ${vms.length} virtual machines?`
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="delete-vm-title">
      <ModalHeader title={title} titleIconVariant="warning" labelId="delete-vm-title" />
      <ModalBody>
        <p style={{ marginBottom: 12 }}>
          {single ? (
            <>
              The virtual machine <strong>{single.name}</strong> in namespace{' '}
              <strong>{single.namespace}</strong> will be stopped and deleted.
            </>
          ) : (
            <>
              These virtual machines will be stopped and deleted:{' '}
              {vms.map((vm) => vm.name).join(', ')}.
            </>
          )}
        </p>
        <Form
          onSubmit={(event) => {
            event.preventDefault()
            if (confirmed) onConfirm({ deleteDisks })
          }}
        >
          <Checkbox
            id="delete-disks"
            label="Also delete the disks the VM owns"
            description="Disks created with the VM (DataVolumes). Disks it only mounts are kept."
            isChecked={deleteDisks}
            onChange={(_event, checked) => setDeleteDisks(checked)}
          />
          <FormGroup
            label={single ? `Type ${single.name} to confirm` : `Type ${vms.length} to confirm`}
            fieldId="delete-confirm"
          >
            <TextInput
              id="delete-confirm"
              value={typed}
              onChange={(_event, value) => setTyped(value)}
              autoComplete="off"
              autoFocus
            />
          </FormGroup>
        </Form>
      </ModalBody>
      <DialogFooter
        verb="Delete"
        danger
        isDisabled={!confirmed}
        onConfirm={() => onConfirm({ deleteDisks })}
        onCancel={onClose}
      />
    </Modal>
  )
}
