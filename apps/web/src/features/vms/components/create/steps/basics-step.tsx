import { Form, FormGroup, FormHelperText, HelperText, HelperTextItem } from '@patternfly/react-core'
import { NamespacePicker } from '../../../../../components/ui/namespace-picker.tsx'
import { NameField } from '../../dialogs/name-field.tsx'
import { noSubmit, type StepProps } from './step-field.tsx'

/** The VM's name (checked against existing VMs) and namespace. */
export function BasicsStep({
  state,
  set,
  problems,
  namespaces,
  taken,
}: StepProps & { namespaces: string[]; taken: string | undefined }) {
  return (
    <Form onSubmit={noSubmit} style={{ maxWidth: 560 }}>
      <NameField
        id="vm-name"
        label="Name"
        value={state.name}
        onChange={(name) => set({ name })}
        problem={taken}
      />
      <FormGroup label="Namespace" fieldId="vm-namespace" isRequired>
        <NamespacePicker
          label="Namespace"
          value={state.namespace}
          known={namespaces}
          onChange={(namespace) => set({ namespace, pvcNamespace: namespace })}
          width={300}
        />
        {problems.namespace && (
          <FormHelperText>
            <HelperText>
              <HelperTextItem variant="error">{problems.namespace}</HelperTextItem>
            </HelperText>
          </FormHelperText>
        )}
      </FormGroup>
    </Form>
  )
}
