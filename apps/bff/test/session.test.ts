import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, login, ORIGIN, type TestStack } from './helper.ts'

let stack: TestStack
beforeAll(async () => {
  stack = await buildStack()
})
afterAll(() => stack.close())

describe('sessions', () => {
  it('refuses API calls without a session, in the shared error shape', async () => {
    const response = await stack.app.inject({ url: '/api/v1/clusters/vmdeck-sim/vms' })
    expect(response.statusCode).toBe(401)
    expect(response.json()).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'UNAUTHENTICATED',
    })
  })

  it('logs in with a token checked by the API server and sets an HttpOnly SameSite=Strict cookie', async () => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { origin: ORIGIN },
      payload: { token: stack.sim.tokens.helpdesk },
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      user: { username: 'helpdesk' },
      clusters: ['vmdeck-sim'],
    })
    const cookie = response.cookies.find((c) => c.name === 'vmdeck_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' })
    expect(cookie?.value).not.toContain(stack.sim.tokens.helpdesk)
  })

  it('says how the session was opened and when it ends (the user menu shows it)', async () => {
    const before = Date.now()
    const cookie = await login(stack.app, 'viewer')
    const response = await stack.app.inject({ url: '/api/v1/session', headers: { cookie } })
    const { session } = response.json<{
      session: { method: string; expiresAt: string; idleTimeoutSeconds: number }
    }>()
    expect(session).toMatchObject({ method: 'token', idleTimeoutSeconds: 30 * 60 })
    // Only single sign-on sessions are renewed (a pasted token is what it is).
    expect(session).not.toHaveProperty('renewalSeconds')
    const ends = Date.parse(session.expiresAt)
    expect(ends).toBeGreaterThanOrEqual(before + 8 * 3600_000)
    expect(ends).toBeLessThanOrEqual(Date.now() + 8 * 3600_000)
  })

  it('rejects a token the API server does not know, and sets no cookie', async () => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { origin: ORIGIN },
      payload: { token: 'not-a-token' },
    })
    expect(response.statusCode).toBe(401)
    expect(response.json().message).toMatch(/did not accept this token/)
    expect(response.cookies).toHaveLength(0)
  })

  it('refuses a cross-site login (Origin check)', async () => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { origin: 'https://evil.example' },
      payload: { demoUser: 'admin' },
    })
    expect(response.statusCode).toBe(403)
    expect(response.json().code).toBe('BAD_ORIGIN')
    expect(response.cookies).toHaveLength(0)
  })

  it('rejects malformed login bodies with a 400 that says what is wrong', async () => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { origin: ORIGIN },
      payload: { token: '' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' })
  })

  it('accepts a bearer token from scripts, without any cookie', async () => {
    const response = await stack.app.inject({
      url: '/api/v1/session',
      headers: { authorization: `Bearer ${stack.sim.tokens.viewer}` },
    })
    expect(response.statusCode).toBe(200)
    expect(response.json().user.username).toBe('viewer')
    // No session behind a bearer token: nothing ends but the token itself.
    expect(response.json().session).toBeUndefined()
  })

  it('ignores a tampered session cookie', async () => {
    const cookie = await login(stack.app, 'admin')
    const tampered = cookie.slice(0, -4) + (cookie.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    const response = await stack.app.inject({
      url: '/api/v1/session',
      headers: { cookie: tampered },
    })
    expect(response.statusCode).toBe(401)
  })

  it('logs out by clearing the cookie', async () => {
    const cookie = await login(stack.app, 'admin')
    const response = await stack.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie, origin: ORIGIN },
    })
    expect(response.statusCode).toBe(204)
    expect(response.cookies.find((c) => c.name === 'vmdeck_session')?.value).toBe('')
  })
})
