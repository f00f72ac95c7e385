import { QueryClientProvider } from '@tanstack/react-query'
import { render, type RenderOptions } from '@testing-library/react'
import type { ReactElement } from 'react'
import { MemoryRouter } from 'react-router'
import { makeQueryClient } from '../lib/query-client.ts'
import { createToastStore } from '../lib/toasts.ts'

/** Renders with a fresh QueryClient (no retries) and a router, as the app provides them. */
export function renderWithApp(
  ui: ReactElement,
  { route = '/', ...options }: RenderOptions & { route?: string } = {},
) {
  const toasts = createToastStore()
  const queryClient = makeQueryClient(toasts)
  queryClient.setDefaultOptions({ queries: { retry: false } })
  const result = render(ui, {
    wrapper: ({ children }) => (
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[route]}>{children}</MemoryRouter>
      </QueryClientProvider>
    ),
    ...options,
  })
  return { ...result, queryClient, toasts }
}

/** A fetch that answers by URL; anything unlisted fails the test loudly. */
export function fakeFetch(routes: Record<string, (init?: RequestInit) => unknown>) {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : input.toString()
    const match = Object.keys(routes)
      .sort((a, b) => b.length - a.length)
      .find((prefix) => url.startsWith(prefix))
    if (!match) throw new Error(`unexpected request ${init?.method ?? 'GET'} ${url}`)
    const body = routes[match]!(init)
    if (body instanceof Response) return body
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    })
  }
}
