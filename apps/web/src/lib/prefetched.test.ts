import { afterEach, describe, expect, it, vi } from 'vitest'
import { api } from './api-client.ts'
import { prefetch } from './prefetched.ts'

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })

describe('prefetched requests', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('answers the app’s first GET of a path from the request sent early, once', async () => {
    const fetch = vi.fn((path: string) =>
      Promise.resolve(json({ path, n: fetch.mock.calls.length })),
    )
    vi.stubGlobal('fetch', fetch)
    void prefetch('/api/v1/session')
    expect(fetch).toHaveBeenCalledTimes(1)

    await expect(api.get('/api/v1/session')).resolves.toEqual({ path: '/api/v1/session', n: 1 })
    expect(fetch).toHaveBeenCalledTimes(1)
    // Another path, and the same path again, go to the network.
    await api.get('/api/v1/other')
    await expect(api.get('/api/v1/session')).resolves.toEqual({ path: '/api/v1/session', n: 3 })
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  it('reads an early error answer as the app’s own request would', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(
          JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'no session' }),
          { status: 401 },
        ),
      ),
    )
    void prefetch('/api/v1/session')
    await expect(api.get('/api/v1/session')).rejects.toMatchObject({
      status: 401,
      message: 'no session',
    })
  })
})
