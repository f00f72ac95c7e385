import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../../../testing/render.tsx'
import { BulkMatchingMenu } from './bulk-matching.tsx'

afterEach(() => vi.unstubAllGlobals())

describe('an action on every matching VM', () => {
  it('previews the scope with a dry run, names it in the confirmation, then runs it once', async () => {
    const posted: unknown[] = []
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/clusters/c/vms/bulk': (init) => {
          const body = JSON.parse(init?.body as string) as { dryRun?: boolean }
          posted.push(body)
          return body.dryRun
            ? {
                count: 1234,
                sample: [{ namespace: 'prod', name: 'web-01' }],
                message: 'Would stop 1234 VMs in prod.',
              }
            : { taskId: 't-1', count: 1234, sample: [], message: 'started' }
        },
      }),
    )
    const matching = { namespace: 'prod', folder: 'web' }
    renderWithApp(<BulkMatchingMenu cluster="c" total={1234} matching={matching} />)
    await userEvent.click(screen.getByRole('button', { name: 'All 1,234 matching' }))
    await userEvent.click(screen.getByRole('menuitem', { name: 'Stop…' }))
    const dialog = await screen.findByRole('dialog')
    await within(dialog).findByText('Would stop 1234 VMs in prod.')
    expect(within(dialog).getByText('prod/web-01')).toBeInTheDocument()
    expect(posted).toEqual([{ action: 'stop', matching, dryRun: true }])
    await userEvent.click(within(dialog).getByRole('button', { name: 'Stop 1,234 VMs' }))
    await vi.waitFor(() => expect(posted).toHaveLength(2))
    expect(posted[1]).toEqual({ action: 'stop', matching })
  })

  it('shows why a filter cannot be used, and runs nothing', async () => {
    const posted: unknown[] = []
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/clusters/c/vms/bulk': (init) => {
          posted.push(JSON.parse(init?.body as string))
          return new Response(
            JSON.stringify({
              statusCode: 400,
              code: 'BAD_REQUEST',
              error: 'Bad Request',
              message: 'No VM matches: there is nothing to do.',
            }),
            { status: 400, headers: { 'content-type': 'application/json' } },
          )
        },
      }),
    )
    renderWithApp(<BulkMatchingMenu cluster="c" total={3} matching={{ search: 'x' }} />)
    await userEvent.click(screen.getByRole('button', { name: 'All 3 matching' }))
    await userEvent.click(screen.getByRole('menuitem', { name: 'Delete…' }))
    const dialog = await screen.findByRole('dialog')
    await within(dialog).findByText('No VM matches: there is nothing to do.')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete' }))
    expect(posted).toHaveLength(1)
  })
})
