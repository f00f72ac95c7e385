import { Form, Modal, ModalBody, ModalHeader } from '@patternfly/react-core'
import { useState } from 'react'
import { nameProblem, timestampedName } from '../../../../lib/k8s-name.ts'
import type { VmRef } from '../../../../lib/vm-queries.ts'
import { NameField } from './name-field.tsx'
import { DialogFooter } from '../../../../components/ui/dialog-footer.tsx'

export function SnapshotDialog({
  vm,
  onConfirm,
  onClose,
}: {
  vm: VmRef
  onConfirm: (name: string) => void
  onClose: () => void
}) {
  const [name, setName] = useState(() => timestampedName(vm.name))
  const valid = !nameProblem(name)
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="snapshot-title">
      <ModalHeader
        title={`Take a snapshot of ${vm.name}`}
        labelId="snapshot-title"
        description="A snapshot keeps the VM's configuration and disks as they are now; the VM keeps running."
      />
      <ModalBody>
        <Form
          onSubmit={(event) => {
            event.preventDefault()
            if (valid) onConfirm(name)
          }}
        >
          <NameField id="snapshot-name" label="Snapshot name" value={name} onChange={setName} />
        </Form>
      </ModalBody>
      <DialogFooter
        verb="Take snapshot"
        isDisabled={!valid}
        onConfirm={() => onConfirm(name)}
        onCancel={onClose}
      />
    </Modal>
  )
}
