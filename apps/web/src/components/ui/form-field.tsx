import { FormGroup, FormHelperText, HelperText, HelperTextItem } from '@patternfly/react-core'
import type { ReactNode } from 'react'

/** A labelled field with its problem (or, when it has none, a hint) under it. */
export function FormField({
  id,
  label,
  problem,
  hint,
  children,
  isRequired = false,
}: {
  /** The id of the input inside, which the label names. */
  id: string
  label: string
  problem?: string | undefined
  hint?: string | undefined
  children: ReactNode
  isRequired?: boolean
}) {
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired}>
      {children}
      {(problem || hint) && (
        <FormHelperText>
          <HelperText>
            <HelperTextItem variant={problem ? 'error' : 'default'}>
              {problem ?? hint}
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
    </FormGroup>
  )
}
