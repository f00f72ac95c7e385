import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { TemplateSummary } from '@vmdeck/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { renderWithApp } from '../../../../testing/render.tsx'
import CreateVmPage from './create-vm-page.tsx'

afterEach(() => vi.unstubAllGlobals())

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

const template = (t: Partial<TemplateSummary> & { name: string }): TemplateSummary => ({
  namespace: 'dev',
  category: 'General',
  description: '',
  createdAt: '2026-01-01T00:00:00Z',
  ...t,
})
const templates = [
  template({ name: 'tpl-web', category: 'Web', cpus: 2, memory: '4Gi', sshKeys: false }),
  template({ name: 'tpl-db', category: 'Databases', cpus: 4, memory: '8Gi', sshKeys: true }),
]

describe('CreateVmPage from a template', () => {
  it('lists templates by category, fills the size, refuses a key the template cannot take, and creates', async () => {
    const requests: { method: string; url: string; body?: unknown }[] = []
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : input.toString()
      const method = init?.method ?? 'GET'
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined
      requests.push({ method, url, body })
      if (url.endsWith('/namespaces'))
        return json({ items: [{ name: 'default' }, { name: 'dev' }] })
      if (url.endsWith('/templates')) return json({ items: templates })
      if (url.includes('/vms/'))
        return json({ statusCode: 404, error: 'Not Found', message: '' }, 404)
      if (url.endsWith('/templates/dev/tpl-web/instantiate?dryRun=true'))
        return json({
          namespace: 'dev',
          name: 'web-1',
          dryRun: true,
          manifest: { kind: 'VirtualMachine', metadata: { name: 'web-1' } },
        })
      if (url.endsWith('/templates/dev/tpl-web/instantiate') && method === 'POST')
        return json({ taskId: 't1', count: 1, sample: [], message: 'Creating' }, 202)
      throw new Error(`unexpected ${method} ${url}`)
    })
    renderWithApp(<CreateVmPage cluster="c" />, { route: '/vms/new' })
    const user = userEvent.setup()
    const next = () => screen.getByRole('button', { name: 'Next' })

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'web-1')
    await waitFor(() => expect(next()).toBeEnabled())
    await user.click(next())

    await user.click(screen.getByLabelText('From template'))
    expect(next()).toBeDisabled()
    const web = await screen.findByRole('region', { name: 'Web' })
    expect(screen.getByRole('region', { name: 'Databases' })).toBeInTheDocument()
    // Categories in order: Databases before Web.
    const headings = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)
    expect(headings).toEqual(['Databases', 'Web'])
    await user.click(within(web).getByRole('radio', { name: 'tpl-web' }))
    expect(next()).toBeEnabled()

    // tpl-web has no cloud-init disk: a key is refused here, before anything is sent.
    const secret = screen.getByRole('textbox', { name: 'SSH key secret' })
    await user.type(secret, 'my-keys')
    expect(
      screen.getByText(/tpl-web has no cloud-init disk to carry an SSH key/),
    ).toBeInTheDocument()
    expect(next()).toBeDisabled()
    await user.clear(secret)
    await user.click(next())

    // Size: the template's, changed.
    expect(screen.getByLabelText('Custom CPU and memory')).toBeChecked()
    expect(screen.getByRole('spinbutton', { name: 'vCPU' })).toHaveValue(2)
    const memory = screen.getByRole('textbox', { name: 'Memory' })
    expect(memory).toHaveValue('4Gi')
    await user.clear(memory)
    await user.type(memory, '6Gi')
    await user.click(screen.getByRole('button', { name: 'More vCPUs' }))
    await user.click(next())

    // No networks or cloud-init steps: the template carries them.
    expect(await screen.findByText('The cluster accepts this VM (dry run).')).toBeInTheDocument()
    expect(screen.getByText('Template dev/tpl-web')).toBeInTheDocument()
    expect(screen.getByText('dev/web-1')).toBeInTheDocument()
    const dryRun = requests.find((r) => r.url.endsWith('/instantiate?dryRun=true'))
    expect(dryRun?.body).toEqual({
      pattern: 'web-1',
      count: 1,
      start: true,
      size: { kind: 'custom', cpus: 3, memory: '6Gi' },
    })
    await user.click(screen.getByRole('button', { name: 'Show YAML' }))
    expect(screen.getByText(/kind: VirtualMachine/)).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Create' }))
    await waitFor(() =>
      expect(
        requests.filter((r) => r.method === 'POST' && r.url.endsWith('/tpl-web/instantiate')),
      ).toHaveLength(1),
    )
    expect(requests.some((r) => r.url.endsWith('/api/v1/clusters/c/vms'))).toBe(false)
  })

  it('sends the SSH key secret for a template with a cloud-init disk', async () => {
    const requests: { url: string; body?: unknown }[] = []
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : input.toString()
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined
      requests.push({ url, body })
      if (url.endsWith('/namespaces')) return json({ items: [] })
      if (url.endsWith('/templates')) return json({ items: templates })
      if (url.includes('/vms/'))
        return json({ statusCode: 404, error: 'Not Found', message: '' }, 404)
      if (url.endsWith('/instantiate?dryRun=true'))
        return json({ namespace: 'dev', name: 'db-1', dryRun: true, manifest: {} })
      throw new Error(`unexpected ${url}`)
    })
    renderWithApp(<CreateVmPage cluster="c" />)
    const user = userEvent.setup()
    const next = () => screen.getByRole('button', { name: 'Next' })
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'db-1')
    await waitFor(() => expect(next()).toBeEnabled())
    await user.click(next())
    await user.click(screen.getByLabelText('From template'))
    await user.click(await screen.findByRole('radio', { name: 'tpl-db' }))
    await user.type(screen.getByRole('textbox', { name: 'SSH key secret' }), 'my-keys')
    expect(next()).toBeEnabled()
    await user.click(next())
    await user.click(screen.getByLabelText('An instance type'))
    await user.click(screen.getByRole('radio', { name: /u1\.large/ }))
    await user.click(next())
    expect(await screen.findByText('The cluster accepts this VM (dry run).')).toBeInTheDocument()
    expect(
      requests.find((r) => r.url.endsWith('/dev/tpl-db/instantiate?dryRun=true'))?.body,
    ).toEqual({
      pattern: 'db-1',
      count: 1,
      start: true,
      size: { kind: 'instancetype', instancetype: 'u1.large' },
      sshKeySecret: 'my-keys',
    })
  })
})
