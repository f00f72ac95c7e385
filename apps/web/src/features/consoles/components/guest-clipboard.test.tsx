import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { GuestClipboard } from './guest-clipboard.tsx'

describe('GuestClipboard', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('says a guest without a clipboard agent sends nothing', () => {
    render(<GuestClipboard text={null} />)
    expect(screen.getByTestId('guest-clipboard')).toHaveTextContent(/needs a clipboard agent/)
  })

  it('copies what the guest sent, and says when the browser refuses', async () => {
    const writeText = vi.fn().mockRejectedValue(new Error('denied'))
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    render(<GuestClipboard text="uptime 42 days" />)
    expect(screen.getByTestId('guest-clipboard')).toHaveTextContent('uptime 42 days')
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }))
    expect(writeText).toHaveBeenCalledWith('uptime 42 days')
    expect(await screen.findByRole('status')).toHaveTextContent(/refused the clipboard/)
  })
})
