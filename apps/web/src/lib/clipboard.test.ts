import { afterEach, describe, expect, it, vi } from 'vitest'
import { copyText, readText } from './clipboard.ts'

function useClipboard(clipboard: Partial<Clipboard> | undefined) {
  Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true })
}

afterEach(() => useClipboard(undefined))

describe('clipboard', () => {
  it('copies and reads text through the browser clipboard', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    useClipboard({ writeText, readText: () => Promise.resolve('pasted') })
    await expect(copyText('uname -a')).resolves.toBe(true)
    expect(writeText).toHaveBeenCalledExactlyOnceWith('uname -a')
    await expect(readText()).resolves.toBe('pasted')
  })

  it('answers false and empty where the page has no clipboard (plain HTTP)', async () => {
    useClipboard(undefined)
    await expect(copyText('x')).resolves.toBe(false)
    await expect(readText()).resolves.toBe('')
  })

  it('answers false and empty when the user refuses', async () => {
    const refused = () => Promise.reject(new DOMException('denied', 'NotAllowedError'))
    useClipboard({ writeText: refused, readText: refused })
    await expect(copyText('x')).resolves.toBe(false)
    await expect(readText()).resolves.toBe('')
  })
})
