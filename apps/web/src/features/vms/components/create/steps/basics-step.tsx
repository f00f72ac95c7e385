import { Form } from '@patternfly/react-core'
import { FormField } from '../../../../../components/ui/form-field.tsx'
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
      <FormField id="vm-namespace" label="Namespace" problem={problems.namespace} isRequired>
        <NamespacePicker
          label="Namespace"
          value={state.namespace}
          known={namespaces}
          onChange={(namespace) => set({ namespace, pvcNamespace: namespace })}
          width={300}
        />
      </FormField>
    </Form>
  )
}
