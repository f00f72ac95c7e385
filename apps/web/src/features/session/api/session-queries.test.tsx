import { QueryClientProvider, useQuery } from '@tanstack/react-query'
import { act, render, waitFor } from '@testing-library/react'
import type { SessionInfo } from '@vmdeck/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeQueryClient } from '../../../lib/query-client.ts'
import { fakeFetch } from '../../../testing/render.tsx'
import { sessionQueries, useRefetchOnGroupsChange } from './session-queries.ts'

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

const answer = (groups: string[], renewalSeconds?: number): SessionInfo => ({
  user: { username: 'oidc:helpdesk', groups },
  clusters: ['vmdeck-sim'],
  session: {
    method: renewalSeconds ? 'sso' : 'token',
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    idleTimeoutSeconds: 1800,
    ...(renewalSeconds ? { renewalSeconds } : {}),
  },
})

function Follow() {
  const session = useQuery(sessionQueries.current())
  useRefetchOnGroupsChange(session.data?.user.groups)
  return <span>{session.data?.user.groups.join(',') ?? 'none'}</span>
}

describe('a single sign-on session followed from the page', () => {
  it('asks again at the renewal pace and refetches the page’s data when the groups change', async () => {
    let groups = ['oidc:helpdesk']
    const session = vi.fn(() => answer(groups, 1))
    vi.stubGlobal('fetch', fakeFetch({ '/api/v1/session': session }))
    const queryClient = makeQueryClient()
    // Something the page shows, e.g. the permissions that enable buttons.
    queryClient.setQueryData(['clusters', 'vmdeck-sim', 'permissions', ['x']], { items: [] })
    const view = render(
      <QueryClientProvider client={queryClient}>
        <Follow />
      </QueryClientProvider>,
    )
    await view.findByText('oidc:helpdesk')
    const permissions = () =>
      queryClient.getQueryState(['clusters', 'vmdeck-sim', 'permissions', ['x']])!
    expect(permissions().isInvalidated).toBe(false)
    groups = ['oidc:auditors']
    await view.findByText('oidc:auditors', {}, { timeout: 3000 })
    await waitFor(() => expect(permissions().isInvalidated).toBe(true))
    expect(session.mock.calls.length).toBeGreaterThanOrEqual(2)
  })

  it('does not poll a token session', async () => {
    const session = vi.fn(() => answer(['admins']))
    vi.stubGlobal('fetch', fakeFetch({ '/api/v1/session': session }))
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const queryClient = makeQueryClient()
    const view = render(
      <QueryClientProvider client={queryClient}>
        <Follow />
      </QueryClientProvider>,
    )
    await view.findByText('admins')
    await act(() => vi.advanceTimersByTimeAsync(120_000))
    expect(session).toHaveBeenCalledTimes(1)
  })
})
