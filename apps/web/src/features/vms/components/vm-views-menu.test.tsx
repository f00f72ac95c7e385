import { act, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { makeVmSummary } from '@vmdeck/shared/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { renderWithApp } from '../../../testing/render.tsx'
import { VmListPage } from './vm-list-page.tsx'

afterEach(() => {
  vi.unstubAllGlobals()
  localStorage.clear()
})

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })

function fakeBff() {
  const lists: URLSearchParams[] = []
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : input.toString(), 'http://x')
    if (url.pathname === '/api/v1/clusters/c/vms') {
      lists.push(url.searchParams)
      const items = [makeVmSummary({ namespace: 'prod', name: 'web-01' })]
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
  return lists
}

describe('the VM list’s views', () => {
  it('applies a built-in view through the search language', async () => {
    const lists = fakeBff()
    renderWithApp(<VmListPage cluster="c" />, { route: '/vms?sort=-node' })
    const user = userEvent.setup()
    await screen.findByRole('row', { name: /web-01/ })
    await user.click(screen.getByRole('button', { name: 'Views' }))
    await user.click(screen.getByRole('menuitem', { name: 'Paused > 1 day' }))
    await waitFor(() => expect(lists.at(-1)?.get('search')).toBe('status:paused paused:>1d'))
    // A view sets every part of the list: the sort goes back to its default.
    expect(lists.at(-1)?.get('sort')).toBe('name')
    expect(screen.getByRole('button', { name: 'View: Paused > 1 day' })).toBeVisible()
  })

  it('saves the view on screen for the user, and shows it again from the menu', async () => {
    const lists = fakeBff()
    const { queryClient } = renderWithApp(<VmListPage cluster="c" />, {
      route: '/vms?search=node:node-2&sort=-createdAt',
    })
    await act(async () => {
      queryClient.setQueryData(['session', 'current'], { user: { username: 'alice', groups: [] } })
      await Promise.resolve()
    })
    const user = userEvent.setup()
    await screen.findByRole('row', { name: /web-01/ })
    await user.click(screen.getByRole('button', { name: 'Views' }))
    await user.click(screen.getByRole('menuitem', { name: 'Save current view…' }))
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Node two')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    const saved = JSON.parse(localStorage.getItem('vmdeck.vm-views.alice') ?? '[]') as unknown
    expect(saved).toEqual([
      {
        name: 'Node two',
        params: {
          search: 'node:node-2',
          sort: '-createdAt',
          columns: 'namespace,status,node,ip,os,createdAt',
        },
      },
    ])
    await user.click(screen.getByRole('button', { name: 'View: Node two' }))
    await user.click(screen.getByRole('menuitem', { name: 'Running' }))
    await waitFor(() => expect(lists.at(-1)?.get('search')).toBe('status:running'))
    await user.click(screen.getByRole('button', { name: 'View: Running' }))
    await user.click(screen.getByRole('menuitem', { name: /Node two/ }))
    // The first page's answer, cached, shows again: the view is back.
    expect(await screen.findByRole('button', { name: 'View: Node two' })).toBeVisible()
    expect(screen.getByRole('textbox', { name: 'Search virtual machines' })).toHaveValue(
      'node:node-2',
    )
  })
})
