import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { renderWithApp } from '../../../../testing/render.tsx'
import CreateVmPage from './create-vm-page.tsx'

afterEach(() => vi.unstubAllGlobals())

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

describe('CreateVmPage', () => {
  it('validates as you type, reviews the dry-run object, then creates', async () => {
    const requests: { method: string; url: string; body?: unknown }[] = []
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : input.toString()
      const method = init?.method ?? 'GET'
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined
      requests.push({ method, url, body })
      if (url.endsWith('/namespaces'))
        return json({ items: [{ name: 'default' }, { name: 'prod' }] })
      if (url.includes('/namespaces/default/vms/taken')) return json({ name: 'taken' })
      if (url.includes('/namespaces/default/vms/'))
        return json({ statusCode: 404, error: 'Not Found', message: 'nope' }, 404)
      if (url.endsWith('/vms?dryRun=true'))
        return json({
          namespace: 'default',
          name: 'app-1',
          dryRun: true,
          manifest: { kind: 'VirtualMachine', metadata: { name: 'app-1' } },
        })
      if (url.endsWith('/vms') && method === 'POST')
        return json({ namespace: 'default', name: 'app-1', dryRun: false, manifest: {} })
      throw new Error(`unexpected ${method} ${url}`)
    })
    renderWithApp(<CreateVmPage cluster="c" />, { route: '/vms/new' })
    const user = userEvent.setup()
    const next = () => screen.getByRole('button', { name: 'Next' })
    const name = screen.getByRole('textbox', { name: 'Name' })

    await user.type(name, 'App')
    expect(screen.getByText('Lowercase letters only.')).toBeInTheDocument()
    expect(next()).toBeDisabled()
    await user.clear(name)
    await user.type(name, 'taken')
    expect(
      await screen.findByText('A VM named taken already exists in default.'),
    ).toBeInTheDocument()
    expect(next()).toBeDisabled()
    await user.clear(name)
    await user.type(name, 'app-1')
    await waitFor(() => expect(next()).toBeEnabled())
    await user.click(next())

    // Boot source: the catalog's first image is chosen.
    await user.click(next())
    // Size: custom, with a bad memory value first.
    await user.click(screen.getByLabelText('Custom CPU and memory'))
    const memory = screen.getByRole('textbox', { name: 'Memory' })
    await user.clear(memory)
    await user.type(memory, 'lots')
    expect(screen.getByText('A size such as 2Gi or 512Mi.')).toBeInTheDocument()
    expect(next()).toBeDisabled()
    await user.clear(memory)
    await user.type(memory, '1Gi')
    await user.click(next())
    // Networks: the pod network is on.
    expect(screen.getByLabelText(/Pod network/)).toBeChecked()
    await user.click(next())
    // Cloud-init: a password.
    await user.type(
      screen.getByLabelText('Password', { selector: 'input[type=password]' }),
      's3cret',
    )
    await user.click(next())

    expect(await screen.findByText('The cluster accepts this VM (dry run).')).toBeInTheDocument()
    const dryRun = requests.find((r) => r.url.endsWith('/vms?dryRun=true'))
    expect(dryRun?.body).toEqual({
      name: 'app-1',
      namespace: 'default',
      compute: { kind: 'custom', cpus: 1, memory: '1Gi' },
      bootSource: { type: 'containerDisk', image: 'quay.io/containerdisks/fedora:41' },
      networks: [{ name: 'default', type: 'pod' }],
      cloudInit: { user: 'fedora', password: 's3cret' },
      startNow: true,
    })
    await user.click(screen.getByRole('button', { name: 'Show YAML' }))
    expect(screen.getByText(/kind: VirtualMachine/)).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Create' }))
    await waitFor(() =>
      expect(
        requests.some((r) => r.method === 'POST' && r.url.endsWith('/api/v1/clusters/c/vms')),
      ).toBe(true),
    )
  })

  it('shows the refusal of the dry run and does not allow Create', async () => {
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : input.toString()
      if (url.endsWith('/namespaces')) return json({ items: [] })
      if (url.includes('/namespaces/default/vms/'))
        return json({ statusCode: 404, error: 'Not Found', message: '' }, 404)
      if (url.endsWith('/vms?dryRun=true'))
        return json(
          {
            statusCode: 403,
            error: 'Forbidden',
            message: 'virtualmachines.kubevirt.io is forbidden',
          },
          403,
        )
      throw new Error(`unexpected ${url}`)
    })
    renderWithApp(<CreateVmPage cluster="c" />)
    const user = userEvent.setup()
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'vm-a')
    await waitFor(() => expect(screen.getByRole('button', { name: 'Next' })).toBeEnabled())
    for (let step = 0; step < 5; step++)
      await user.click(screen.getByRole('button', { name: 'Next' }))
    expect(await screen.findByText('virtualmachines.kubevirt.io is forbidden')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Create' })).toBeDisabled()
  })
})
