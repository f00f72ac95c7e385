import {
  Button,
  Form,
  Modal,
  ModalBody,
  ModalHeader,
  TextArea,
  TextInput,
} from '@patternfly/react-core'
import type { SaveTemplateRequest } from '@vmdeck/shared'
import { useState } from 'react'
import { DialogFooter } from '../../../components/ui/dialog-footer.tsx'
import { FormField } from '../../../components/ui/form-field.tsx'
import { nameProblem } from '../../../lib/k8s-name.ts'
import { useSaveTemplate } from '../api/templates-api.ts'

/** The dialog: the template's name, category and description. */
export function SaveTemplateDialog({
  vmName,
  onConfirm,
  onClose,
  busy = false,
}: {
  vmName: string
  onConfirm: (request: SaveTemplateRequest) => void
  onClose: () => void
  busy?: boolean
}) {
  const [name, setName] = useState(`${vmName.slice(0, 54)}-template`)
  const [category, setCategory] = useState('')
  const [description, setDescription] = useState('')
  const problem = name ? nameProblem(name) : 'Enter a name.'
  const request: SaveTemplateRequest = {
    name,
    ...(category.trim() ? { category: category.trim() } : {}),
    ...(description.trim() ? { description: description.trim() } : {}),
  }
  const submit = () => {
    if (!problem) onConfirm(request)
  }
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="save-template-title">
      <ModalHeader
        title={`Save ${vmName} as a template`}
        labelId="save-template-title"
        description="A stopped copy of this VM (disks cloned), marked as a template, from which new VMs are created."
      />
      <ModalBody>
        <Form
          onSubmit={(event) => {
            event.preventDefault()
            submit()
          }}
        >
          <FormField id="template-name" label="Template name" problem={problem} isRequired>
            <TextInput
              id="template-name"
              value={name}
              onChange={(_event, next) => setName(next)}
              validated={problem ? 'error' : 'default'}
              autoComplete="off"
              isRequired
            />
          </FormField>
          <FormField id="template-category" label="Category" hint="For example Web or Databases.">
            <TextInput
              id="template-category"
              value={category}
              maxLength={63}
              onChange={(_event, next) => setCategory(next)}
            />
          </FormField>
          <FormField id="template-description" label="Description">
            <TextArea
              id="template-description"
              value={description}
              maxLength={500}
              onChange={(_event, next) => setDescription(next)}
            />
          </FormField>
        </Form>
      </ModalBody>
      <DialogFooter
        verb="Save as template"
        isDisabled={Boolean(problem)}
        isLoading={busy}
        onConfirm={submit}
        onCancel={onClose}
      />
    </Modal>
  )
}

/** The detail header's "Save as template" button and its dialog. */
export function SaveAsTemplate({
  cluster,
  namespace,
  name,
}: {
  cluster: string
  namespace: string
  name: string
}) {
  const [open, setOpen] = useState(false)
  const save = useSaveTemplate(cluster, { namespace, name })
  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Save as template
      </Button>
      {open && (
        <SaveTemplateDialog
          vmName={name}
          busy={save.isPending}
          onClose={() => setOpen(false)}
          onConfirm={(request) => save.mutate(request, { onSuccess: () => setOpen(false) })}
        />
      )}
    </>
  )
}
