import { FormGroup, FormHelperText, HelperText, HelperTextItem } from '@patternfly/react-core'
import type { FormEvent, ReactNode } from 'react'
import type { WizardState } from '../wizard-model.ts'

/** What every wizard step gets: the answers so far, a way to change them, and its problems. */
export type StepProps = {
  state: WizardState
  set: (patch: Partial<WizardState>) => void
  problems: Record<string, string>
}

/** The wizard's forms never submit: Enter must not leave the step. */
export const noSubmit = (event: FormEvent) => event.preventDefault()

/** A labelled field with its problem (or a hint) under it. */
export function Field({
  id,
  label,
  problem,
  hint,
  children,
  isRequired,
}: {
  id: string
  label: string
  problem?: string | undefined
  hint?: string
  children: ReactNode
  isRequired?: boolean
}) {
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired ?? false}>
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
