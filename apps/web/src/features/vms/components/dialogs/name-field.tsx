import {
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  TextInput,
} from '@patternfly/react-core'
import { nameProblem } from '../../../../lib/k8s-name.ts'

/** A Kubernetes name input, validated as you type. */
export function NameField({
  id,
  label,
  value,
  onChange,
  hint,
  problem,
}: {
  id: string
  label: string
  value: string
  onChange: (value: string) => void
  hint?: string
  /** An extra problem the caller knows of (e.g. "already exists"). */
  problem?: string | undefined
}) {
  const error = (value ? nameProblem(value) : undefined) ?? problem
  return (
    <FormGroup label={label} fieldId={id} isRequired>
      <TextInput
        id={id}
        value={value}
        onChange={(_event, next) => onChange(next)}
        validated={error ? 'error' : 'default'}
        autoComplete="off"
        isRequired
      />
      <FormHelperText>
        <HelperText>
          <HelperTextItem variant={error ? 'error' : 'default'}>
            {error ?? hint ?? 'Lowercase letters, digits and “-”; up to 63 characters.'}
          </HelperTextItem>
        </HelperText>
      </FormHelperText>
    </FormGroup>
  )
}
