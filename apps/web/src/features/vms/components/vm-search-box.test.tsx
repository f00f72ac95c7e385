import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { makeVmSummary } from '@vmdeck/shared/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { renderWithApp } from '../../../testing/render.tsx'
import { VmListPage } from './vm-list-page.tsx'

afterEach(() => vi.unstubAllGlobals())

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })

function fakeBff() {
  const searches: (string | null)[] = []
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : input.toString(), 'http://x')
    if (url.pathname === '/api/v1/clusters/c/vms') {
      searches.push(url.searchParams.get('search'))
      const items = [makeVmSummary({ namespace: 'prod', name: 'web-01', node: 'node-2' })]
      return json({ items, total: 1, counts: { Running: 1 } })
    }
    if (url.pathname === '/api/v1/clusters/c/permissions')
      return json({
        items: url.searchParams
          .get('checks')!
          .split(',')
          .map((check) => ({ check, allowed: true })),
      })
    throw new Error(`unexpected ${url.toString()}`)
  })
  return searches
}

describe('the VM list’s search box', () => {
  it('suggests keys and known values, and applies the chosen one', async () => {
    const searches = fakeBff()
    renderWithApp(<VmListPage cluster="c" />, { route: '/vms' })
    const user = userEvent.setup()
    await screen.findByRole('row', { name: /web-01/ })
    const box = screen.getByRole('textbox', { name: 'Search virtual machines' })
    await user.type(box, 'no')
    await user.click(await screen.findByRole('menuitem', { name: 'node:' }))
    expect(box).toHaveValue('node:')
    await user.click(await screen.findByRole('menuitem', { name: 'node:node-2' }))
    expect(box).toHaveValue('node:node-2')
    await vi.waitFor(() => expect(searches.at(-1)).toBe('node:node-2'))
  })

  it('underlines a bad term with the parser’s message and applies nothing of it', async () => {
    const searches = fakeBff()
    renderWithApp(<VmListPage cluster="c" />, { route: '/vms?search=web' })
    const user = userEvent.setup()
    await screen.findByRole('row', { name: /web-01/ })
    const box = screen.getByRole('textbox', { name: 'Search virtual machines' })
    await user.type(box, ' colour:red')
    expect(await screen.findByTestId('vm-search-bad-part')).toHaveTextContent('colour:red')
    expect(screen.getByText(/Unknown key "colour:"/)).toHaveTextContent(
      'Nothing of this search is applied until it is fixed.',
    )
    expect(box).toHaveAttribute('aria-invalid', 'true')
    // The list keeps the last search that read; the bad one never reaches the server.
    expect(searches.filter((s) => s?.includes(':'))).toEqual([])
    expect(searches).toContain('web')
  })
})
