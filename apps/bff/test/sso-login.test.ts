// Single sign-on with the demo's OpenID provider: the code flow with PKCE, state and nonce,
// the ID token as the user's credential toward kube-apiserver, and every bad input refused.
import * as oidc from 'openid-client'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../idp/test/browser.ts'
import app from '../src/app.ts'
import { frameworkErrors } from '../src/framework-errors.ts'
import { as, C, ORIGIN, waitUntil } from './helper.ts'
import { isCallback, startSsoStack, type SsoStack } from './sso-harness.ts'

let sso: SsoStack
let replica: FastifyInstance

beforeAll(async () => {
  sso = await startSsoStack({})
  // A second replica: same keys, same cluster, same provider, its own memory.
  replica = Fastify({ logger: false, frameworkErrors })
  await replica.register(app, {
    kubeconfigPath: sso.stack.sim.kubeconfigPath,
    sessionKeys: ['test-session-key-0123456789abcdef0123456789'],
    publicOrigin: ORIGIN,
    oidc: sso.oidc,
  })
  await replica.ready()
  await waitUntil(() => replica.revocations.ready && replica.clusters.get('vmdeck-sim')!.vms.synced)
})

afterAll(async () => {
  await replica?.close()
  await sso?.close()
})

/** Starts a sign-in and signs in at the provider; the callback URL is returned, not visited. */
async function callbackFor(username: string) {
  const browser = sso.browser()
  const { callback } = await signIn(
    browser,
    new URL('/api/v1/session/sso/login', ORIGIN),
    username,
    `${username}-demo-password`,
    isCallback,
  )
  return { browser, callback: callback! }
}

describe('single sign-on', () => {
  it('offers "Log in with <provider>" beside the token login', async () => {
    const options = await sso.stack.app.inject({ url: '/api/v1/session/options' })
    expect(options.json()).toMatchObject({
      sso: { name: 'the vmdeck demo provider', loginUrl: '/api/v1/session/sso/login' },
      tokenLogin: true,
    })
  })

  it('signs in on the provider’s form and acts as that user with its groups', async () => {
    const login = await sso.stack.app.inject({ url: '/api/v1/session/sso/login' })
    expect(login.statusCode).toBe(302)
    const authorize = new URL(login.headers.location as string)
    expect(authorize.origin).toBe(sso.idp.issuer)
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('state')!.length).toBeGreaterThanOrEqual(22)
    expect(authorize.searchParams.get('nonce')!.length).toBeGreaterThanOrEqual(22)
    const signInCookie = login.cookies.find((c) => c.name === 'vmdeck_sso')!
    expect(signInCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' })

    const cookie = await sso.login('helpdesk')
    const me = await as(sso.stack.app, cookie).get('/api/v1/session')
    expect(me.status).toBe(200)
    expect(me.body.user).toEqual({
      username: 'oidc:helpdesk',
      groups: expect.arrayContaining(['oidc:helpdesk', 'system:authenticated']),
      // The provider's `name` claim, for the user menu; the cluster knows the user name only.
      displayName: 'Hal Helpdesk',
    })
    expect(me.body.session).toMatchObject({
      method: 'sso',
      idleTimeoutSeconds: 30 * 60,
      renewalSeconds: 60,
    })
    expect((await as(sso.stack.app, cookie).get(`${C}/vms`)).status).toBe(200)
    // The session cookie holds the tokens sealed; the browser never reads them.
    const sealed = sso.stack.app.sessions.open(cookie.slice('vmdeck_session='.length))!
    expect(sealed.token.split('.')).toHaveLength(3)
    expect(cookie).not.toContain(sealed.token)
  })

  it('refuses a callback whose state was tampered with, and opens no session', async () => {
    const { browser, callback } = await callbackFor('viewer')
    callback.searchParams.set('state', 'forged-state-value')
    const answer = await browser.request('GET', callback)
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 400, code: 'SSO_REJECTED' })
    expect(JSON.parse(answer.body).message).toBe(
      'The sign-in was refused: the provider’s answer belongs to another sign-in (state). Start again from the login page.',
    )
    expect(browser.cookies(ORIGIN).has('vmdeck_session')).toBe(false)
  })

  it('refuses a replayed code, and a callback this browser did not start', async () => {
    const { browser, callback } = await callbackFor('viewer')
    const signInState = browser.cookies(ORIGIN).get('vmdeck_sso')!
    expect((await browser.request('GET', callback)).status).toBe(302)
    // The same code again, with the sign-in state it was issued for.
    const replay = sso.browser()
    replay.cookies(ORIGIN).set('vmdeck_sso', signInState)
    const replayed = await replay.request('GET', callback)
    expect(replayed.status).toBe(400)
    expect(JSON.parse(replayed.body)).toMatchObject({ code: 'SSO_REJECTED' })
    expect(JSON.parse(replayed.body).message).toContain('invalid_grant')
    expect(replay.cookies(ORIGIN).has('vmdeck_session')).toBe(false)
    // No sign-in state at all (a link planted by someone else).
    const stranger = await sso.browser().request('GET', callback)
    expect(stranger.status).toBe(400)
    expect(JSON.parse(stranger.body)).toMatchObject({ code: 'SSO_NO_SIGN_IN' })
  })

  describe('refuses bad ID tokens as bearer tokens (kube-apiserver checks them)', () => {
    let genuine: Promise<string> | undefined
    const viewerToken = () =>
      (genuine ??= sso
        .login('viewer')
        .then(
          (cookie) => sso.stack.app.sessions.open(cookie.slice('vmdeck_session='.length))!.token,
        ))
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const tamper = (idToken: string, change: object) => {
      const [header, payload, signature] = idToken.split('.')
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as object
      return `${header}.${encode({ ...claims, ...change })}.${signature}`
    }
    it.each([
      [
        'unsigned (alg: none)',
        (t: string) => `${encode({ alg: 'none', typ: 'JWT' })}.${t.split('.')[1]}.`,
      ],
      [
        'forged',
        (t: string) => tamper(t, { preferred_username: 'admin', groups: ['vmdeck-admins'] }),
      ],
      ['expired', (t: string) => tamper(t, { exp: 1_000_000 })],
      ['from another issuer', (t: string) => tamper(t, { iss: 'https://idp.example' })],
    ])('%s', async (_name, make) => {
      const answer = await sso.stack.app.inject({
        url: '/api/v1/session',
        headers: { authorization: `Bearer ${make(await viewerToken())}` },
      })
      expect(answer.statusCode).toBe(401)
      expect(answer.json()).toMatchObject({ statusCode: 401, code: 'INVALID_TOKEN' })
      expect(answer.cookies.find((c) => c.name === 'vmdeck_session')).toBeUndefined()
    })
  })

  it('serves a session signed in on one replica on the other, and a logout on one ends it on both', async () => {
    const cookie = await sso.login('admin')
    expect((await as(replica, cookie).get('/api/v1/session')).status).toBe(200)
    const sealed = sso.stack.app.sessions.open(cookie.slice('vmdeck_session='.length))!
    const logout = await replica.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie, origin: ORIGIN },
    })
    expect(logout.statusCode).toBe(200)
    // RP-initiated logout names the client, never the ID token (still valid at the API server).
    const end = new URL(logout.json<{ endSessionUrl: string }>().endSessionUrl)
    expect(end.origin).toBe(sso.idp.issuer)
    expect(end.searchParams.get('client_id')).toBe('vmdeck')
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${ORIGIN}/`)
    expect(end.toString()).not.toContain(sealed.token)
    await waitUntil(() => sso.stack.app.revocations.isRevoked(sealed))
    expect((await as(sso.stack.app, cookie).get('/api/v1/session')).status).toBe(401)
    expect((await as(replica, cookie).get('/api/v1/session')).status).toBe(401)
    // The refresh token was revoked at the provider.
    const config = await sso.stack.app.sso!.client.config()
    await expect(oidc.refreshTokenGrant(config, sealed.oidc!.refreshToken)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })
})
