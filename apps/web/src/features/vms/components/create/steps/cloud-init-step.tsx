import { Form, TextArea } from '@patternfly/react-core'
import { FormField } from '../../../../../components/ui/form-field.tsx'
import { RadioChoice } from '../../../../../components/ui/radio-choice.tsx'
import { TextField } from '../../../../../components/ui/text-field.tsx'
import type { WizardState } from '../wizard-model.ts'
import { noSubmit, type StepProps } from './step-field.tsx'

const logins: { value: WizardState['auth']; label: string }[] = [
  { value: 'password', label: 'Password' },
  { value: 'ssh', label: 'SSH public key' },
  { value: 'none', label: 'Neither' },
]

/** The first-boot user and how they log in. */
export function CloudInitStep({ state, set, problems }: StepProps) {
  return (
    <Form onSubmit={noSubmit} style={{ maxWidth: 640 }}>
      <TextField
        id="ci-user"
        label="User"
        value={state.user}
        onChange={(user) => set({ user })}
        problem={problems.user}
        hint="Created at first boot by cloud-init."
        autoComplete="off"
      />
      <RadioChoice
        name="ci-auth"
        label="Log in with"
        value={state.auth}
        options={logins}
        onChange={(auth) => set({ auth })}
        isInline
      />
      {state.auth === 'password' && (
        <TextField
          id="ci-password"
          label="Password"
          type="password"
          value={state.password}
          onChange={(password) => set({ password })}
          problem={problems.password}
          hint="Stored in the VM's cloud-init data, readable by whoever can read the VM."
          autoComplete="new-password"
        />
      )}
      {state.auth === 'ssh' && (
        <FormField id="ci-ssh" label="SSH public key" problem={problems.sshKey}>
          <TextArea
            id="ci-ssh"
            value={state.sshKey}
            onChange={(_e, sshKey) => set({ sshKey })}
            rows={3}
            resizeOrientation="vertical"
            validated={problems.sshKey ? 'error' : 'default'}
          />
        </FormField>
      )}
    </Form>
  )
}
