// Issue 12, finding 2: `/%61pi/v1/clusters` and `/%61pi/docs` answered 200 without credentials,
// because the login check tested the raw URL's prefix while the router matched the decoded path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, type TestStack } from './helper.ts'

let stack: TestStack
beforeAll(async () => {
  stack = await buildStack()
})
afterAll(() => stack.close())

const sample: Record<string, string> = {
  cluster: 'vmdeck-sim',
  namespace: 'dev',
  name: 'sandbox',
  node: 'node-1',
  action: 'cordon',
  username: 'viewer',
}
const concrete = (url: string) =>
  url.replace(/:([A-Za-z]+)/g, (_, param: string) => sample[param] ?? 'x').replace(/\*$/, 'x')

/** Ways to write the same path that a prefix test on the raw URL would not recognise. */
function variants(path: string): string[] {
  const rest = path.slice('/api'.length)
  return [
    `/%61pi${rest}`, // percent-encoded letter
    `/%41PI${rest}`, // encoded and upper case
    `/API${rest}`, // case
    `/%2561pi${rest}`, // double encoding
    `/api${rest.replace('/', '%2F')}`, // encoded slash
    `/api${rest.replace(/\//g, '%2f')}`, // every slash encoded, lower case
    `//api${rest}`, // empty segment
    `/./api${rest}`, // dot segment
    `/api${rest}/.`, // trailing dot segment
    `/api${rest}.`, // trailing dot
    `/api/.${rest}`,
  ]
}

describe('the login check decides on the matched route, not on the raw URL', () => {
  it('marks only health, readiness, login options, login and logout public (an allow-list)', () => {
    const publicRoutes = stack.routes
      .filter((route) => route.public && route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.url}`)
      .sort()
    expect(publicRoutes).toEqual([
      'DELETE /api/v1/session',
      'GET /api/v1/session/options',
      'GET /healthz',
      'GET /readyz',
      'POST /api/v1/session',
    ])
  })

  it('answers 401 to every non-public route without credentials', async () => {
    const guarded = stack.routes.filter((r) => !r.public && r.method !== 'HEAD')
    expect(guarded.length).toBeGreaterThan(20)
    for (const route of guarded) {
      const response = await stack.app.inject({
        method: route.method as 'GET',
        url: concrete(route.url),
        headers: { origin: 'http://vmdeck.test', 'content-type': 'application/json' },
        payload: route.method === 'GET' ? undefined : '{}',
      })
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401)
    }
  })

  it('the reported attack: /%61pi/v1/clusters and /%61pi/docs reveal nothing', async () => {
    for (const url of ['/%61pi/v1/clusters', '/%61pi/docs', '/%61pi/v1/session']) {
      const response = await stack.app.inject({ method: 'GET', url })
      expect(response.statusCode, url).toBe(401)
      expect(response.body).not.toMatch(/openapi|kubernetesVersion|"server"|capabilities/)
    }
  })

  it('no encoded, cased, dotted or doubled variant of any guarded route answers without credentials', async () => {
    const guarded = stack.routes.filter(
      (r) => !r.public && r.method !== 'HEAD' && r.url.startsWith('/api/'),
    )
    let tried = 0
    for (const route of guarded)
      for (const url of variants(concrete(route.url))) {
        const response = await stack.app.inject({
          method: route.method as 'GET',
          url,
          headers: { origin: 'http://vmdeck.test', 'content-type': 'application/json' },
          payload: route.method === 'GET' ? undefined : '{}',
        })
        tried++
        // 401 (the route matched), 404 (it did not) or 400 (not a valid URL): never an answer.
        expect([400, 401, 404], `${route.method} ${url}`).toContain(response.statusCode)
        expect(response.body, url).not.toMatch(/"items"|openapi|kubernetesVersion/)
      }
    expect(tried).toBeGreaterThan(200)
  })
})
