import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { makeVmSummary } from '@vmdeck/shared/testing'
import { describe, expect, it, vi } from 'vitest'
import { renderWithApp } from '../../../testing/render.tsx'
import type { Can } from './vm-actions-bar.tsx'
import { VmTable } from './vm-table.tsx'

const allowAll: Can = () => ({ allowed: true })

const setup = (props: Partial<Parameters<typeof VmTable>[0]> = {}) => {
  const onAction = vi.fn()
  const onSelect = vi.fn()
  const onSort = vi.fn()
  renderWithApp(
    <VmTable
      items={[
        makeVmSummary({ name: 'web-01', status: 'Running' }),
        makeVmSummary({ name: 'old-box', status: 'Stopped', node: undefined, ips: [] }),
      ]}
      loading={false}
      columns={['namespace', 'status', 'node']}
      sort="name"
      onSort={onSort}
      selected={new Set()}
      onSelect={onSelect}
      can={allowAll}
      onAction={onAction}
      empty="Nothing here"
      {...props}
    />,
  )
  return { onAction, onSelect, onSort }
}

describe('VmTable', () => {
  it('shows a row per VM with its status and a link to its page', () => {
    setup()
    const row = screen.getByRole('row', { name: /web-01/ })
    expect(within(row).getByText('Running')).toBeInTheDocument()
    expect(within(row).getByRole('link', { name: 'web-01' })).toHaveAttribute(
      'href',
      '/vms/default/web-01',
    )
  })

  it('offers every action in the row menu, disabling what the state does not allow', async () => {
    const { onAction } = setup()
    await userEvent.click(screen.getByRole('button', { name: 'Actions for old-box' }))
    for (const verb of [
      'Start',
      'Stop',
      'Restart',
      'Pause',
      'Migrate',
      'Take snapshot',
      'Clone',
      'Delete',
    ])
      expect(screen.getByRole('menuitem', { name: verb })).toBeInTheDocument()
    expect(screen.getByRole('menuitem', { name: 'Stop' })).toHaveAttribute('aria-disabled', 'true')
    await userEvent.click(screen.getByRole('menuitem', { name: 'Start' }))
    expect(onAction).toHaveBeenCalledWith('start', expect.objectContaining({ name: 'old-box' }))
  })

  it('disables actions RBAC forbids, whatever the state', async () => {
    setup({
      can: (action) =>
        action === 'stop'
          ? { allowed: false, reason: 'no update on virtualmachines/stop' }
          : { allowed: true },
    })
    await userEvent.click(screen.getByRole('button', { name: 'Actions for web-01' }))
    expect(screen.getByRole('menuitem', { name: 'Stop' })).toHaveAttribute('aria-disabled', 'true')
    expect(screen.getByRole('menuitem', { name: 'Restart' })).not.toHaveAttribute(
      'aria-disabled',
      'true',
    )
  })

  it('selects rows and sorts by a column', async () => {
    const { onSelect, onSort } = setup()
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select web-01' }))
    expect(onSelect).toHaveBeenCalledWith([expect.objectContaining({ name: 'web-01' })], true)
    await userEvent.click(screen.getByRole('button', { name: 'Status' }))
    expect(onSort).toHaveBeenCalledWith('status')
  })

  it('shows the empty state and loading skeletons', () => {
    setup({ items: [] })
    expect(screen.getByText('Nothing here')).toBeInTheDocument()
  })
})
