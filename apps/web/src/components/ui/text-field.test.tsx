import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { TextField } from './text-field.tsx'

describe('TextField', () => {
  it('shows its hint while it has no problem, and reports what is typed', async () => {
    const onChange = vi.fn()
    render(<TextField id="size" label="Disk size" value="" onChange={onChange} hint="e.g. 10Gi" />)
    const input = screen.getByLabelText('Disk size')
    expect(input).toHaveAttribute('id', 'size')
    expect(input).not.toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByText('e.g. 10Gi')).toBeInTheDocument()
    await userEvent.type(input, '5')
    expect(onChange).toHaveBeenCalledExactlyOnceWith('5')
  })

  it('marks the input and shows the problem instead of the hint', () => {
    render(
      <TextField
        id="size"
        label="Disk size"
        value="ten"
        onChange={() => {}}
        hint="e.g. 10Gi"
        problem="Not a quantity"
      />,
    )
    expect(screen.getByLabelText('Disk size')).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByText('Not a quantity')).toBeInTheDocument()
    expect(screen.queryByText('e.g. 10Gi')).not.toBeInTheDocument()
  })
})
