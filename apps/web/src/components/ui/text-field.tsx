import { TextInput, type TextInputProps } from '@patternfly/react-core'
import type { CSSProperties } from 'react'
import { FormField } from './form-field.tsx'

/** A labelled text input, marked as in error and explained under it while it has a problem. */
export function TextField({
  id,
  label,
  value,
  onChange,
  problem,
  hint,
  isRequired = false,
  type,
  autoComplete,
  style,
}: {
  id: string
  label: string
  value: string
  onChange: (value: string) => void
  problem?: string | undefined
  hint?: string
  isRequired?: boolean
  type?: TextInputProps['type']
  autoComplete?: string
  style?: CSSProperties
}) {
  return (
    <FormField id={id} label={label} problem={problem} hint={hint} isRequired={isRequired}>
      <TextInput
        id={id}
        value={value}
        onChange={(_event, next) => onChange(next)}
        validated={problem ? 'error' : 'default'}
        {...(type ? { type } : {})}
        {...(autoComplete ? { autoComplete } : {})}
        {...(style ? { style } : {})}
      />
    </FormField>
  )
}
