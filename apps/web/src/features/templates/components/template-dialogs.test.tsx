import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { renderWithApp } from '../../../testing/render.tsx'
import { CreateFromTemplateDialog } from './create-from-template-dialog.tsx'
import { SaveTemplateDialog } from './save-template-dialog.tsx'

describe('CreateFromTemplateDialog', () => {
  it('previews the names a pattern yields, live, and sends the pattern with its count', async () => {
    const onConfirm = vi.fn()
    renderWithApp(
      <CreateFromTemplateDialog template="web-template" onConfirm={onConfirm} onClose={vi.fn()} />,
    )
    const input = screen.getByLabelText(/Name pattern/)
    await userEvent.clear(input)
    await userEvent.type(input, 'app-{{08..12}')
    const preview = screen.getByRole('region', { name: 'Names preview' })
    expect(within(preview).getByText('5 VMs:')).toBeInTheDocument()
    expect(
      within(preview)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['app-08', 'app-09', 'app-10', 'app-11', 'app-12'])
    await userEvent.click(screen.getByLabelText('Start the VMs once created'))
    await userEvent.click(screen.getByRole('button', { name: 'Create 5 VMs' }))
    expect(onConfirm).toHaveBeenCalledWith({ pattern: 'app-{08..12}', count: 5, start: true })
  })

  it('shows why a pattern is invalid and does not create', async () => {
    const onConfirm = vi.fn()
    renderWithApp(
      <CreateFromTemplateDialog template="web-template" onConfirm={onConfirm} onClose={vi.fn()} />,
    )
    const input = screen.getByLabelText(/Name pattern/)
    await userEvent.clear(input)
    await userEvent.type(input, 'Web-{{1..2}')
    expect(screen.getByText(/"Web-1" is not a valid VM name/)).toBeInTheDocument()
    expect(screen.queryByRole('region', { name: 'Names preview' })).not.toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Create' })).toBeDisabled()
    await userEvent.clear(input)
    await userEvent.type(input, 'w-{{1..501}')
    expect(screen.getByText(/at most 500/)).toBeInTheDocument()
    expect(onConfirm).not.toHaveBeenCalled()
  })

  it('summarises a long list of names', async () => {
    renderWithApp(
      <CreateFromTemplateDialog template="db-template" onConfirm={vi.fn()} onClose={vi.fn()} />,
    )
    const input = screen.getByLabelText(/Name pattern/)
    await userEvent.clear(input)
    await userEvent.type(input, 'db-{{1..20}')
    const preview = screen.getByRole('region', { name: 'Names preview' })
    expect(within(preview).getByText('… and 12 more')).toBeInTheDocument()
  })
})

describe('SaveTemplateDialog', () => {
  it('validates the name and sends name, category and description', async () => {
    const onConfirm = vi.fn()
    renderWithApp(<SaveTemplateDialog vmName="web-01" onConfirm={onConfirm} onClose={vi.fn()} />)
    const name = screen.getByLabelText(/Template name/)
    expect(name).toHaveValue('web-01-template')
    await userEvent.clear(name)
    const save = screen.getByRole('button', { name: 'Save as template' })
    expect(save).toBeDisabled()
    await userEvent.type(name, 'Bad_Name')
    expect(save).toBeDisabled()
    await userEvent.clear(name)
    await userEvent.type(name, 'web-base')
    await userEvent.type(screen.getByLabelText('Category'), 'Web')
    await userEvent.type(screen.getByLabelText('Description'), 'nginx on Debian')
    await userEvent.click(save)
    expect(onConfirm).toHaveBeenCalledWith({
      name: 'web-base',
      category: 'Web',
      description: 'nginx on Debian',
    })
  })
})
