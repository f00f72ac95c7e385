import type { FormEvent } from 'react'
import type { WizardState } from '../wizard-model.ts'

/** What every wizard step gets: the answers so far, a way to change them, and its problems. */
export type StepProps = {
  state: WizardState
  set: (patch: Partial<WizardState>) => void
  problems: Record<string, string>
}

/** The wizard's forms never submit: Enter must not leave the step. */
export const noSubmit = (event: FormEvent) => event.preventDefault()
