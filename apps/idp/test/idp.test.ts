import * as oidc from 'openid-client'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trustedFetch } from '../../bff/src/lib/trusted-fetch.ts'
import { startIdp, type Idp } from '../src/idp.ts'
import { signIn, TestBrowser } from './browser.ts'

const APP = 'http://vmdeck.test'
const REDIRECT = `${APP}/callback`
const isCallback = (url: URL) => url.origin === APP

let idp: Idp
let dir: string
let config: oidc.Configuration

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vmdeck-idp-test-'))
  idp = await startIdp({ stateDir: dir, redirectUris: [REDIRECT], tokenTtlSeconds: 60 })
  config = await oidc.discovery(
    new URL(idp.issuer),
    idp.clientId,
    undefined,
    oidc.ClientSecretBasic(idp.clientSecret),
    { [oidc.customFetch]: trustedFetch(idp.ca) },
  )
})

afterAll(async () => {
  await idp?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** One sign-in through the provider's own form, as the BFF will run it. */
async function signInAs(username: string, password = `${username}-demo-password`) {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const nonce = oidc.randomNonce()
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile groups',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  })
  const browser = new TestBrowser({ ca: idp.ca })
  const { callback, page } = await signIn(browser, url, username, password, isCallback)
  return { callback, page, verifier, state, nonce }
}

describe('the demo identity provider', () => {
  it('serves discovery over TLS with its own CA, code flow with S256 PKCE only', () => {
    const metadata = config.serverMetadata()
    expect(metadata.issuer).toBe(idp.issuer)
    expect(metadata.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(metadata.code_challenge_methods_supported).toEqual(['S256'])
    expect(metadata.end_session_endpoint).toBeDefined()
    expect(metadata.revocation_endpoint).toBeDefined()
  })

  it('signs a user in on its form and issues an ID token with the groups claim and a refresh token', async () => {
    const flow = await signInAs('helpdesk')
    expect(flow.callback?.searchParams.get('code')).toBeTruthy()
    const tokens = await oidc.authorizationCodeGrant(config, flow.callback!, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    })
    const claims = tokens.claims()
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: 'vmdeck',
      preferred_username: 'helpdesk',
      groups: ['helpdesk'],
    })
    expect(tokens.refresh_token).toBeTruthy()
    // The code is single-use.
    await expect(
      oidc.authorizationCodeGrant(config, flow.callback!, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('shows the demo passwords and refuses a wrong one on its form', async () => {
    const flow = await signInAs('admin', 'not-the-password')
    expect(flow.callback).toBeUndefined()
    expect(flow.page.status).toBe(401)
    expect(flow.page.body).toContain('Wrong user name or password')
    expect(flow.page.body).toContain('admin-demo-password')
    expect(flow.page.headers['content-security-policy']).toContain("default-src 'none'")
  })

  it('refreshes with the groups of now, and refuses to refresh for a disabled user', async () => {
    const flow = await signInAs('viewer')
    const tokens = await oidc.authorizationCodeGrant(config, flow.callback!, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    })
    idp.users.update('viewer', { groups: ['auditors', 'helpdesk'] })
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!)
    expect(refreshed.claims()?.groups).toEqual(['auditors', 'helpdesk'])
    idp.users.update('viewer', { disabled: true })
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    const again = await signInAs('viewer')
    expect(again.page.status).toBe(401)
    idp.users.update('viewer', { disabled: false, groups: ['auditors'] })
  })

  it('writes the API server configuration that trusts it, with the oidc: prefix', () => {
    const config = JSON.parse(readFileSync(idp.authenticationConfigFile, 'utf8'))
    expect(config).toMatchObject({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AuthenticationConfiguration',
      jwt: [
        {
          issuer: { url: idp.issuer, audiences: ['vmdeck'], certificateAuthority: idp.ca },
          claimMappings: {
            username: { claim: 'preferred_username', prefix: 'oidc:' },
            groups: { claim: 'groups', prefix: 'oidc:' },
          },
        },
      ],
    })
  })
})
