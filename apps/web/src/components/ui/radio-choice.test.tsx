import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { RadioChoice } from './radio-choice.tsx'

describe('RadioChoice', () => {
  it('checks the current value and reports the one picked', async () => {
    const onChange = vi.fn()
    render(
      <RadioChoice
        name="auth"
        label="Log in with"
        value="ssh"
        options={[
          { value: 'password', label: 'Password' },
          { value: 'ssh', label: 'SSH public key' },
        ]}
        onChange={onChange}
      />,
    )
    expect(screen.getByRole('radiogroup')).toHaveTextContent('Log in with')
    expect(screen.getByLabelText('SSH public key')).toBeChecked()
    expect(screen.getByLabelText('Password')).not.toBeChecked()
    expect(screen.getByLabelText('Password')).toHaveAttribute('id', 'auth-password')
    await userEvent.click(screen.getByLabelText('Password'))
    expect(onChange).toHaveBeenCalledExactlyOnceWith('password')
  })
})
