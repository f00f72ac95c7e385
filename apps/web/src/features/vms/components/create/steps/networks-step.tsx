import {
  Button,
  Checkbox,
  Form,
  HelperText,
  HelperTextItem,
  TextInput,
} from '@patternfly/react-core'
import TrashIcon from '@patternfly/react-icons/dist/esm/icons/trash-icon'
import { FormField } from '../../../../../components/ui/form-field.tsx'
import { noSubmit, type StepProps } from './step-field.tsx'

/** The pod network and any secondary (Multus) networks. */
export function NetworksStep({ state, set, problems }: StepProps) {
  return (
    <Form onSubmit={noSubmit} style={{ maxWidth: 640 }}>
      <Checkbox
        id="net-pod"
        label="Pod network (masquerade): outbound access and Kubernetes services"
        isChecked={state.podNetwork}
        onChange={(_e, podNetwork) => set({ podNetwork })}
      />
      {state.multus.map((nad, index) => (
        <FormField
          key={index}
          id={`net-multus-${index}`}
          label={`VLAN / secondary network ${index + 1}`}
          problem={problems[`multus-${index}`]}
          hint="A NetworkAttachmentDefinition: name (in the VM's namespace) or namespace/name."
        >
          <div style={{ display: 'flex', gap: 8 }}>
            <TextInput
              id={`net-multus-${index}`}
              value={nad}
              onChange={(_e, value) =>
                set({ multus: state.multus.map((v, i) => (i === index ? value : v)) })
              }
              validated={problems[`multus-${index}`] ? 'error' : 'default'}
            />
            <Button
              variant="plain"
              aria-label={`Remove network ${index + 1}`}
              onClick={() => set({ multus: state.multus.filter((_, i) => i !== index) })}
              icon={<TrashIcon />}
            />
          </div>
        </FormField>
      ))}
      <div>
        <Button variant="link" isInline onClick={() => set({ multus: [...state.multus, ''] })}>
          Add a secondary network
        </Button>
      </div>
      {problems.none && (
        <HelperText>
          <HelperTextItem variant="warning">{problems.none}</HelperTextItem>
        </HelperText>
      )}
    </Form>
  )
}
