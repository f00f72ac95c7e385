import { TextInput } from '@patternfly/react-core'
import { FormField } from '../../../../components/ui/form-field.tsx'
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
    <FormField
      id={id}
      label={label}
      problem={error}
      hint={hint ?? 'Lowercase letters, digits and “-”; up to 63 characters.'}
      isRequired
    >
      <TextInput
        id={id}
        value={value}
        onChange={(_event, next) => onChange(next)}
        validated={error ? 'error' : 'default'}
        autoComplete="off"
        isRequired
      />
    </FormField>
  )
}
