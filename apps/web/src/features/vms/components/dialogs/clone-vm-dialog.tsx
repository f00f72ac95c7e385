import { Checkbox, Form, FormGroup, Modal, ModalBody, ModalHeader } from '@patternfly/react-core'
import type { CloneRequest } from '@vmdeck/shared'
import { useState } from 'react'
import { NamespacePicker } from '../../../../components/ui/namespace-picker.tsx'
import { useKnownNamespaces } from '../../api/use-known-namespaces.ts'
import { nameProblem } from '../../../../lib/k8s-name.ts'
import type { VmRef } from '../../../../lib/vm-queries.ts'
import { NameField } from './name-field.tsx'
import { DialogFooter } from '../../../../components/ui/dialog-footer.tsx'

export function CloneVmDialog({
  cluster,
  vm,
  onConfirm,
  onClose,
}: {
  cluster: string
  vm: VmRef
  onConfirm: (request: CloneRequest) => void
  onClose: () => void
}) {
  const [name, setName] = useState(`${vm.name.slice(0, 57)}-clone`)
  const [namespace, setNamespace] = useState(vm.namespace)
  const [start, setStart] = useState(false)
  const names = new Set([vm.namespace, ...useKnownNamespaces(cluster)])
  const clash =
    name === vm.name && namespace === vm.namespace ? 'The clone needs its own name.' : undefined
  const valid = !nameProblem(name) && !clash
  const request: CloneRequest = {
    name,
    ...(namespace !== vm.namespace ? { namespace } : {}),
    start,
  }
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="clone-title">
      <ModalHeader
        title={`Clone ${vm.name}`}
        labelId="clone-title"
        description="A new VM with a copy of this VM's disks and settings (new MAC addresses and identity)."
      />
      <ModalBody>
        <Form
          onSubmit={(event) => {
            event.preventDefault()
            if (valid) onConfirm(request)
          }}
        >
          <NameField
            id="clone-name"
            label="Name of the clone"
            value={name}
            onChange={setName}
            problem={clash}
          />
          <FormGroup label="Namespace" fieldId="clone-namespace">
            <NamespacePicker
              label="Namespace of the clone"
              value={namespace}
              known={[...names]}
              onChange={setNamespace}
            />
          </FormGroup>
          <Checkbox
            id="clone-start"
            label="Start the clone when it is ready"
            isChecked={start}
            onChange={(_event, checked) => setStart(checked)}
          />
        </Form>
      </ModalBody>
      <DialogFooter
        verb="Clone"
        isDisabled={!valid}
        onConfirm={() => onConfirm(request)}
        onCancel={onClose}
      />
    </Modal>
  )
}
