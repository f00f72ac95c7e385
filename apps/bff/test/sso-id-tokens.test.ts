// Bad ID tokens at the sign-in callback: the provider's token endpoint answer is altered on its way
// to the BFF (as a compromised network path or a rogue provider would), and each kind of bad
// token must be refused with a readable reason and no session.
import { createPrivateKey, generateKeyPairSync, sign, type JsonWebKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../idp/test/browser.ts'
import { ORIGIN } from './helper.ts'
import { isCallback, startSsoStack, type SsoStack } from './sso-harness.ts'

let sso: SsoStack
let providerKey: JsonWebKey & { kid: string }

beforeAll(async () => {
  sso = await startSsoStack({})
  providerKey = (
    JSON.parse(readFileSync(join(sso.idpDir, 'secrets.json'), 'utf8')) as {
      signingKey: JsonWebKey & { kid: string }
    }
  ).signingKey
})

afterAll(async () => {
  await sso?.close()
})

type Claims = Record<string, unknown>
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Claims

/** A compact JWS over `claims`, RS256 with `key` (a test's forger, not a validator). */
function signRs256(claims: Claims, key: JsonWebKey, kid: string): string {
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid })}.${encode(claims)}`
  const signature = sign('sha256', Buffer.from(input), createPrivateKey({ key, format: 'jwk' }))
  return `${input}.${signature.toString('base64url')}`
}

const attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  format: 'jwk',
})

/** How each bad token is made from the genuine one the provider issued. */
const badTokens: Record<string, { make: (genuine: string) => string; reason: RegExp }> = {
  'forged (claims changed, signed with another key)': {
    make: (genuine) =>
      signRs256(
        { ...claimsOf(genuine), preferred_username: 'admin', groups: ['vmdeck-admins'] },
        attackerKey,
        providerKey.kid,
      ),
    reason: /signature does not match/,
  },
  'expired (signed by the provider’s own key)': {
    make: (genuine) => {
      const now = Math.floor(Date.now() / 1000)
      return signRs256(
        { ...claimsOf(genuine), iat: now - 3600, exp: now - 1800 },
        providerKey,
        providerKey.kid,
      )
    },
    reason: /has expired/,
  },
  'from another issuer (signed by the provider’s own key)': {
    make: (genuine) =>
      signRs256({ ...claimsOf(genuine), iss: 'https://idp.example' }, providerKey, providerKey.kid),
    reason: /another issuer/,
  },
  'unsigned (alg: none)': {
    make: (genuine) => `${encode({ alg: 'none', typ: 'JWT' })}.${genuine.split('.')[1]}.`,
    reason: /never "none"/,
  },
}

/** Rewrites the `id_token` in the provider's token endpoint answers while `run` runs. */
async function withTokenAnswer<T>(rewrite: (idToken: string) => string, run: () => Promise<T>) {
  const config = await sso.stack.app.sso!.client.config()
  const tokenEndpoint = config.serverMetadata().token_endpoint
  const original = config[oidc.customFetch]!
  config[oidc.customFetch] = async (url, init) => {
    const answer = await original(url, init)
    if (url !== tokenEndpoint || !answer.ok) return answer
    const body = (await answer.json()) as { id_token: string }
    return new Response(JSON.stringify({ ...body, id_token: rewrite(body.id_token) }), {
      status: answer.status,
      headers: answer.headers,
    })
  }
  try {
    return await run()
  } finally {
    config[oidc.customFetch] = original
  }
}

describe('single sign-on refuses bad ID tokens at the callback', () => {
  it.each(Object.entries(badTokens))('%s', async (_name, { make, reason }) => {
    const browser = sso.browser()
    const { callback } = await signIn(
      browser,
      new URL('/api/v1/session/sso/login', ORIGIN),
      'viewer',
      'viewer-demo-password',
      isCallback,
    )
    const answer = await withTokenAnswer(make, () => browser.request('GET', callback!))
    expect(answer.status).toBe(400)
    const error = JSON.parse(answer.body) as { statusCode: number; code: string; message: string }
    expect(error).toMatchObject({ statusCode: 400, code: 'SSO_REJECTED' })
    expect(error.message).toMatch(/^The sign-in was refused: /)
    expect(error.message).toMatch(reason)
    expect(browser.cookies(ORIGIN).has('vmdeck_session')).toBe(false)
    expect(browser.cookies(ORIGIN).has('vmdeck_sso')).toBe(false)
  })

  it('still signs in when the answer is left alone (the rewriting above is what fails)', async () => {
    const browser = sso.browser()
    const { callback } = await signIn(
      browser,
      new URL('/api/v1/session/sso/login', ORIGIN),
      'viewer',
      'viewer-demo-password',
      isCallback,
    )
    const answer = await withTokenAnswer(
      (genuine) => genuine,
      () => browser.request('GET', callback!),
    )
    expect(answer.status).toBe(302)
    expect(browser.cookies(ORIGIN).has('vmdeck_session')).toBe(true)
  })
})
