import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { ExplainedButton } from './explained-button.tsx'

describe('ExplainedButton', () => {
  it('works as a button while the user may use it', async () => {
    const onClick = vi.fn()
    render(
      <ExplainedButton blocked={false} reason="never shown" onClick={onClick}>
        Cordon
      </ExplainedButton>,
    )
    const button = screen.getByRole('button', { name: 'Cordon' })
    expect(button).not.toHaveAttribute('aria-disabled', 'true')
    await userEvent.click(button)
    expect(onClick).toHaveBeenCalledOnce()
  })

  it('stays in place, disabled, and says why on hover when blocked', async () => {
    const onClick = vi.fn()
    render(
      <ExplainedButton blocked reason="You may not patch nodes." onClick={onClick}>
        Cordon
      </ExplainedButton>,
    )
    const button = screen.getByRole('button', { name: 'Cordon' })
    expect(button).toHaveAttribute('aria-disabled', 'true')
    await userEvent.click(button)
    expect(onClick).not.toHaveBeenCalled()
    await userEvent.hover(button)
    expect(await screen.findByRole('tooltip')).toHaveTextContent('You may not patch nodes.')
  })

  it('is disabled for a reason of the caller too, without a tooltip', () => {
    render(
      <ExplainedButton blocked={false} isAriaDisabled>
        Cancel migration
      </ExplainedButton>,
    )
    expect(screen.getByRole('button', { name: 'Cancel migration' })).toHaveAttribute(
      'aria-disabled',
      'true',
    )
  })
})
