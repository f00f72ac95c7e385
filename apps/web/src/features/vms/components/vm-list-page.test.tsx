import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { makeVmSummary } from '@vmdeck/shared/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { renderWithApp } from '../../../testing/render.tsx'
import { VmListPage } from './vm-list-page.tsx'

afterEach(() => vi.unstubAllGlobals())

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

const vms = [
  makeVmSummary({ namespace: 'prod', name: 'web-01', status: 'Running' }),
  makeVmSummary({ namespace: 'prod', name: 'web-02', status: 'Running' }),
  makeVmSummary({ namespace: 'dev', name: 'box', status: 'Stopped', node: undefined, ips: [] }),
]

function fakeBff(options: { forbid?: string[]; loadingAnswers?: number } = {}) {
  const calls: { method: string; url: URL }[] = []
  let loadingAnswers = options.loadingAnswers ?? 0
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString(), 'http://x')
    const method = init?.method ?? 'GET'
    calls.push({ method, url })
    if (url.pathname === '/api/v1/clusters/c/vms') {
      const statuses = url.searchParams.get('status')?.split(',')
      const items = vms.filter((vm) => !statuses || statuses.includes(vm.status))
      // The server's cache still filling: the first answers hold part of the fleet.
      if (loadingAnswers-- > 0)
        return json({ items: items.slice(0, 1), total: 1, counts: { Running: 1 }, loading: true })
      return json({ items, total: items.length, counts: { Running: 2, Stopped: 1 } })
    }
    if (url.pathname === '/api/v1/clusters/c/permissions') {
      const checks = url.searchParams.get('checks')!.split(',')
      return json({
        items: checks.map((check) => ({
          check,
          allowed: !options.forbid?.some((f) => check.includes(f)),
          reason: 'RBAC says no',
        })),
      })
    }
    if (method === 'POST') return json({ accepted: true, message: 'ok' }, 202)
    throw new Error(`unexpected ${method} ${url.toString()}`)
  })
  return calls
}

describe('VmListPage', () => {
  it('shows status facets with counts; a facet filters on the server', async () => {
    const calls = fakeBff()
    renderWithApp(<VmListPage cluster="c" />, { route: '/vms' })
    const user = userEvent.setup()
    const running = await screen.findByRole('button', { name: 'Running 2' })
    expect(screen.getByRole('button', { name: 'Stopped 1' })).toBeInTheDocument()
    await user.click(running)
    await waitFor(() => expect(screen.queryByRole('row', { name: /box/ })).not.toBeInTheDocument())
    const listCalls = calls.filter((c) => c.url.pathname.endsWith('/vms'))
    expect(listCalls.at(-1)?.url.searchParams.get('status')).toBe('Running')
  })

  it('says the list is still loading while the server receives the fleet, and fills in', async () => {
    fakeBff({ loadingAnswers: 1 })
    renderWithApp(<VmListPage cluster="c" />, { route: '/vms' })
    expect(await screen.findByText('Still loading virtual machines from the cluster')).toBeVisible()
    expect(screen.getByRole('button', { name: 'Running 1' })).toBeInTheDocument()
    // Refetched while loading: the whole fleet arrives and the notice goes.
    expect(
      await screen.findByRole('button', { name: 'Running 2' }, { timeout: 5_000 }),
    ).toBeVisible()
    expect(screen.queryByText('Still loading virtual machines from the cluster')).toBeNull()
  })

  it('starts the selected VMs in bulk, only those whose state allows it', async () => {
    const calls = fakeBff()
    const { toasts } = renderWithApp(<VmListPage cluster="c" />, { route: '/vms' })
    const user = userEvent.setup()
    await user.click(await screen.findByRole('checkbox', { name: 'Select box' }))
    await user.click(screen.getByRole('checkbox', { name: 'Select web-01' }))
    expect(screen.getByText('2 selected')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Start' }))
    await waitFor(() => expect(toasts.snapshot().map((t) => t.title)).toEqual(['Starting box']))
    const posts = calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)
    expect(posts).toEqual(['/api/v1/clusters/c/namespaces/dev/vms/box/start'])
  })

  it('hides Create and disables forbidden row actions for a read-only user', async () => {
    fakeBff({ forbid: ['create', 'update', 'delete', 'get:virtualmachineinstances'] })
    renderWithApp(<VmListPage cluster="c" />, { route: '/vms' })
    const user = userEvent.setup()
    const row = await screen.findByRole('row', { name: /web-01/ })
    await waitFor(() =>
      expect(screen.queryByRole('link', { name: 'Create VM' })).not.toBeInTheDocument(),
    )
    await user.click(within(row).getByRole('button', { name: 'Actions for web-01' }))
    await waitFor(() =>
      expect(screen.getByRole('menuitem', { name: 'Restart' })).toHaveAttribute(
        'aria-disabled',
        'true',
      ),
    )
  })
})
