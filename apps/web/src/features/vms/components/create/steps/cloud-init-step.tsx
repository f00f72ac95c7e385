import { Form, TextArea, TextInput } from '@patternfly/react-core'
import { RadioChoice } from '../../../../../components/ui/radio-choice.tsx'
import type { WizardState } from '../wizard-model.ts'
import { Field, noSubmit, type StepProps } from './step-field.tsx'

const logins: { value: WizardState['auth']; label: string }[] = [
  { value: 'password', label: 'Password' },
  { value: 'ssh', label: 'SSH public key' },
  { value: 'none', label: 'Neither' },
]

/** The first-boot user and how they log in. */
export function CloudInitStep({ state, set, problems }: StepProps) {
  return (
    <Form onSubmit={noSubmit} style={{ maxWidth: 640 }}>
      <Field
        id="ci-user"
        label="User"
        problem={problems.user}
        hint="Created at first boot by cloud-init."
      >
        <TextInput
          id="ci-user"
          value={state.user}
          onChange={(_e, user) => set({ user })}
          validated={problems.user ? 'error' : 'default'}
          autoComplete="off"
        />
      </Field>
      <RadioChoice
        name="ci-auth"
        label="Log in with"
        value={state.auth}
        options={logins}
        onChange={(auth) => set({ auth })}
        isInline
      />
      {state.auth === 'password' && (
        <Field
          id="ci-password"
          label="Password"
          problem={problems.password}
          hint="Stored in the VM's cloud-init data, readable by whoever can read the VM."
        >
          <TextInput
            id="ci-password"
            type="password"
            value={state.password}
            onChange={(_e, password) => set({ password })}
            autoComplete="new-password"
          />
        </Field>
      )}
      {state.auth === 'ssh' && (
        <Field id="ci-ssh" label="SSH public key" problem={problems.sshKey}>
          <TextArea
            id="ci-ssh"
            value={state.sshKey}
            onChange={(_e, sshKey) => set({ sshKey })}
            rows={3}
            resizeOrientation="vertical"
            validated={problems.sshKey ? 'error' : 'default'}
          />
        </Field>
      )}
    </Form>
  )
}
