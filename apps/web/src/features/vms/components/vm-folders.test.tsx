import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { makeVmSummary } from '@vmdeck/shared/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { renderWithApp } from '../../../testing/render.tsx'
import { VmListPage } from './vm-list-page.tsx'

afterEach(() => vi.unstubAllGlobals())

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

function fakeBff(forbidden: string[] = []) {
  const calls: { method: string; url: URL; body?: unknown }[] = []
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString(), 'http://x')
    const method = init?.method ?? 'GET'
    calls.push({ method, url, body: init?.body ? JSON.parse(init.body as string) : undefined })
    if (url.pathname === '/api/v1/clusters/c/vms') {
      const items = [
        makeVmSummary({ namespace: 'prod', name: 'web-01', status: 'Running' }),
        makeVmSummary({ namespace: 'prod', name: 'web-02', status: 'Stopped' }),
      ]
      return json({ items, total: 2, counts: { Running: 1, Stopped: 1 } })
    }
    if (url.pathname === '/api/v1/clusters/c/vms/folders')
      return json({
        items: [
          { namespace: 'prod', path: 'shop/web', counts: { Running: 2, Stopped: 1 } },
          { namespace: 'prod', path: '', counts: { Running: 1 } },
        ],
      })
    if (method === 'PATCH') {
      const name = url.pathname.split('/').at(-2) ?? ''
      if (forbidden.includes(name))
        return json(
          { statusCode: 403, error: 'Forbidden', message: 'cannot patch', code: 'K8S_FORBIDDEN' },
          403,
        )
      return new Response(null, { status: 204 })
    }
    if (url.pathname === '/api/v1/clusters/c/permissions')
      return json({
        items: url.searchParams
          .get('checks')!
          .split(',')
          .map((check) => ({ check, allowed: true })),
      })
    throw new Error(`unexpected ${method} ${url.toString()}`)
  })
  return calls
}

describe('folders in the VM list', () => {
  it('shows the tree with counts per folder and filters the list by the chosen one', async () => {
    const calls = fakeBff()
    renderWithApp(<VmListPage cluster="c" />, { route: '/vms' })
    const user = userEvent.setup()
    const tree = await screen.findByRole('navigation', { name: 'Folders' })
    // A small tree shows whole: namespaces, folders and subfolders, each counted with its subtree.
    expect(await within(tree).findByLabelText('prod: 4 (3 running, 1 stopped)')).toBeVisible()
    expect(within(tree).getByLabelText('shop: 3 (2 running, 1 stopped)')).toBeVisible()
    await user.click(within(tree).getByLabelText('web: 3 (2 running, 1 stopped)'))
    await waitFor(() => {
      const last = calls.filter((c) => c.url.pathname.endsWith('/vms')).at(-1)
      expect(last?.url.searchParams.get('folder')).toBe('shop/web')
      expect(last?.url.searchParams.get('namespace')).toBe('prod')
    })
  })

  it('moves the selection to a folder, one request per VM, and says which were refused', async () => {
    const calls = fakeBff(['web-02'])
    renderWithApp(<VmListPage cluster="c" />, { route: '/vms' })
    const user = userEvent.setup()
    await user.click(await screen.findByRole('checkbox', { name: 'Select web-01' }))
    await user.click(screen.getByRole('checkbox', { name: 'Select web-02' }))
    await user.click(screen.getByRole('button', { name: 'Move to folder' }))
    const dialog = await screen.findByRole('dialog', { name: 'Move 2 VMs to a folder' })
    await user.type(within(dialog).getByRole('combobox', { name: 'Folder' }), 'shop.web')
    expect(within(dialog).getByText(/Folder names hold letters/)).toBeVisible()
    expect(within(dialog).getByRole('button', { name: 'Move' })).toBeDisabled()
    await user.clear(within(dialog).getByRole('combobox', { name: 'Folder' }))
    await user.type(within(dialog).getByRole('combobox', { name: 'Folder' }), 'shop/db')
    await user.click(within(dialog).getByRole('button', { name: 'Move' }))
    expect(await within(dialog).findByText('prod/web-02: Not allowed: cannot patch')).toBeVisible()
    const patches = calls.filter((c) => c.method === 'PATCH')
    expect(patches.map((c) => [c.url.pathname, c.body])).toEqual([
      ['/api/v1/clusters/c/namespaces/prod/vms/web-01/folder', { folder: 'shop/db' }],
      ['/api/v1/clusters/c/namespaces/prod/vms/web-02/folder', { folder: 'shop/db' }],
    ])
  })
})
