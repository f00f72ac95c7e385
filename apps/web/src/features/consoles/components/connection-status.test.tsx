import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { USER_STOPPED } from '../lib/connection-state.ts'
import { ConnectionControls } from './connection-status.tsx'

describe('ConnectionControls', () => {
  it('offers Disconnect while connected, beside the connection label', async () => {
    const onDisconnect = vi.fn()
    render(
      <ConnectionControls
        state={{ phase: 'connected', since: 0 }}
        canConnect
        onConnect={() => {}}
        onDisconnect={onDisconnect}
      />,
    )
    expect(screen.getByTestId('console-status')).toHaveTextContent('Connected')
    expect(screen.queryByRole('button', { name: 'Connect' })).not.toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Disconnect' }))
    expect(onDisconnect).toHaveBeenCalledOnce()
  })

  it('offers Connect once stopped, disabled for a user who may not connect', async () => {
    const onConnect = vi.fn()
    const { rerender } = render(
      <ConnectionControls
        state={USER_STOPPED}
        canConnect={false}
        onConnect={onConnect}
        onDisconnect={() => {}}
      />,
    )
    expect(screen.getByTestId('console-status')).toHaveTextContent('Disconnected')
    expect(screen.getByRole('button', { name: 'Connect' })).toBeDisabled()
    rerender(
      <ConnectionControls
        state={USER_STOPPED}
        canConnect
        onConnect={onConnect}
        onDisconnect={() => {}}
      />,
    )
    await userEvent.click(screen.getByRole('button', { name: 'Connect' }))
    expect(onConnect).toHaveBeenCalledOnce()
  })
})
