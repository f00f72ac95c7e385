import {
  Checkbox,
  Form,
  List,
  ListItem,
  Modal,
  ModalBody,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core'
import { expandNamePattern, type InstantiateRequest } from '@vmdeck/shared'
import { useState } from 'react'
import { DialogFooter } from '../../../components/ui/dialog-footer.tsx'
import { FormField } from '../../../components/ui/form-field.tsx'

const PREVIEW = 8

/** "Create VMs…": a name pattern with a live preview of the names, and whether to start them. */
export function CreateFromTemplateDialog({
  template,
  onConfirm,
  onClose,
  busy = false,
}: {
  template: string
  onConfirm: (request: InstantiateRequest) => void
  onClose: () => void
  busy?: boolean
}) {
  const [pattern, setPattern] = useState(
    `${template.replace(/-template$/, '').slice(0, 50)}-{01..05}`,
  )
  const [start, setStart] = useState(false)
  const expanded = expandNamePattern(pattern)
  const names = expanded.ok ? expanded.names : []
  const submit = () => {
    if (expanded.ok) onConfirm({ pattern, count: names.length, start })
  }
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="from-template-title">
      <ModalHeader
        title={`Create VMs from ${template}`}
        labelId="from-template-title"
        description="One VM per name, all created as one bulk task with a result per VM."
      />
      <ModalBody>
        <Form
          onSubmit={(event) => {
            event.preventDefault()
            submit()
          }}
        >
          <FormField
            id="name-pattern"
            label="Name pattern"
            problem={expanded.ok ? undefined : expanded.error}
            hint="A range such as web-{01..20} (zero padded) or web-{1..5}."
            isRequired
          >
            <TextInput
              id="name-pattern"
              value={pattern}
              onChange={(_event, next) => setPattern(next)}
              validated={expanded.ok ? 'default' : 'error'}
              autoComplete="off"
              isRequired
            />
          </FormField>
          {expanded.ok && (
            <section aria-label="Names preview">
              <strong>
                {names.length} VM{names.length === 1 ? '' : 's'}:
              </strong>
              <List isPlain>
                {names.slice(0, PREVIEW).map((name) => (
                  <ListItem key={name}>{name}</ListItem>
                ))}
                {names.length > PREVIEW && <ListItem>… and {names.length - PREVIEW} more</ListItem>}
              </List>
            </section>
          )}
          <Checkbox
            id="from-template-start"
            label="Start the VMs once created"
            isChecked={start}
            onChange={(_event, checked) => setStart(checked)}
          />
        </Form>
      </ModalBody>
      <DialogFooter
        verb={expanded.ok ? `Create ${names.length} VM${names.length === 1 ? '' : 's'}` : 'Create'}
        isDisabled={!expanded.ok}
        isLoading={busy}
        onConfirm={submit}
        onCancel={onClose}
      />
    </Modal>
  )
}
