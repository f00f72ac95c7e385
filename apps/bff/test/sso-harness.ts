// A vmdeck stack with single sign-on: the demo's OpenID provider (apps/idp), the simulated cluster
// whose kube-apiserver trusts it, and the BFF as its client; a test browser that signs in on the
// provider's own form and reaches the BFF through `app.inject`.
import type { FastifyInstance } from 'fastify'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { signIn, TestBrowser } from '../../idp/test/browser.ts'
import { startIdp, type Idp } from '../../idp/src/idp.ts'
import type { AppOptions } from '../src/app.ts'
import type { OidcOptions } from '../src/lib/oidc-client.ts'
import { SSO_CALLBACK_PATH } from '../src/lib/oidc-config.ts'
import { buildStack, ORIGIN, trackCookie, type TestStack } from './helper.ts'

export interface SsoStack {
  idp: Idp
  /** The provider's state directory (its keys are in `secrets.json`). */
  idpDir: string
  stack: TestStack
  oidc: OidcOptions
  /** A new browser (its own cookies) for the BFF `app` (default: the stack's). */
  browser(app?: FastifyInstance): TestBrowser
  /** Signs in on the provider's form; resolves with the `Cookie` header of the new session. */
  login(username: string, app?: FastifyInstance): Promise<string>
  close(): Promise<void>
}

export const isCallback = (url: URL) => url.origin === ORIGIN && url.pathname === SSO_CALLBACK_PATH

export async function startSsoStack(options: {
  refreshMs?: number
  tokenTtlSeconds?: number
  app?: Partial<AppOptions>
}): Promise<SsoStack> {
  const dir = mkdtempSync(join(tmpdir(), 'vmdeck-sso-test-'))
  const idp = await startIdp({
    stateDir: dir,
    redirectUris: [`${ORIGIN}${SSO_CALLBACK_PATH}`],
    postLogoutRedirectUris: [`${ORIGIN}/`],
    tokenTtlSeconds: options.tokenTtlSeconds ?? 300,
  })
  const oidc: OidcOptions = {
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    ca: idp.ca,
    displayName: 'the vmdeck demo provider',
    redirectUri: `${ORIGIN}${SSO_CALLBACK_PATH}`,
    postLogoutRedirectUri: `${ORIGIN}/`,
    refreshMs: options.refreshMs ?? 60_000,
  }
  // The simulator's control plane reads it at start (apps/cluster-sim/src/cluster/control-plane.ts).
  process.env.VMDECK_AUTHENTICATION_CONFIG = idp.authenticationConfigFile
  let stack: TestStack
  try {
    stack = await buildStack({ oidc, ...options.app })
  } finally {
    delete process.env.VMDECK_AUTHENTICATION_CONFIG
  }
  const browser = (app: FastifyInstance = stack.app) =>
    new TestBrowser({
      ca: idp.ca,
      sites: {
        [ORIGIN]: async ({ method, url, headers }) => {
          const answer = await app.inject({
            method: method as 'GET',
            url: url.pathname + url.search,
            headers,
          })
          return {
            status: answer.statusCode,
            headers: answer.headers as Record<string, string | string[] | undefined>,
            body: answer.body,
          }
        },
      },
    })
  return {
    idp,
    idpDir: dir,
    stack,
    oidc,
    browser,
    async login(username, app) {
      const b = browser(app)
      const { callback, page } = await signIn(
        b,
        new URL('/api/v1/session/sso/login', ORIGIN),
        username,
        `${username}-demo-password`,
        isCallback,
      )
      if (!callback) throw new Error(`sign-in failed (${page.status}): ${page.body.slice(0, 300)}`)
      const landed = await b.navigate(callback, (next) => next.origin === ORIGIN)
      const session = b.cookies(ORIGIN).get('vmdeck_session')
      if (!session)
        throw new Error(`no session after the callback (${landed.status}): ${landed.body}`)
      trackCookie(session)
      return `vmdeck_session=${session}`
    },
    async close() {
      // No ID token (a JWT) in any log line either.
      const jwt = stack.logs.find((line) => /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./.test(line))
      await stack.close()
      if (jwt) throw new Error(`an ID token in the log: ${jwt.slice(0, 120)}`)
      await idp.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Polls an asynchronous condition (the session renewal runs on its own timer). */
export async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
