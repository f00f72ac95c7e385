import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { httpError } from '../kube/http-error.ts'
import { isProviderRefusal, refusalReason, type SignInChecks } from '../lib/oidc-client.ts'

/** The sealed sign-in state between the redirect to the provider and its callback. */
export const SIGN_IN_COOKIE = 'vmdeck_sso'
const SIGN_IN_PATH = '/api/v1/session/sso'
const SIGN_IN_TTL_MS = 10 * 60_000

interface SignInState extends SignInChecks {
  exp: number
}

export interface SessionSsoOptions {
  secureCookies: boolean
  publicOrigin: string
}

const providerUnavailable = () =>
  httpError(
    503,
    'The identity provider cannot be reached right now; try again, or log in with a token.',
    'SSO_UNAVAILABLE',
  )

/**
 * Single sign-on with the configured OpenID provider: `login` sends the browser there with a new
 * state, nonce and PKCE verifier (kept sealed in a short-lived cookie bound to this browser),
 * `callback` checks them, exchanges the code, and opens a session whose token is the ID token.
 */
const sessionSso: FastifyPluginAsyncTypebox<SessionSsoOptions> = async (fastify, options) => {
  const sso = () => {
    if (!fastify.sso)
      throw httpError(404, 'Single sign-on is not configured.', 'SSO_NOT_CONFIGURED')
    return fastify.sso
  }
  const clearSignIn = (reply: FastifyReply) =>
    void reply.clearCookie(SIGN_IN_COOKIE, { path: SIGN_IN_PATH })

  fastify.get(
    '/session/sso/login',
    { config: { public: true }, schema: { hide: true } },
    async (_request, reply) => {
      const { client } = sso()
      const started = await client.startSignIn().catch(() => {
        throw providerUnavailable()
      })
      const state: SignInState = { ...started.checks, exp: Date.now() + SIGN_IN_TTL_MS }
      // SameSite=Lax: the provider's redirect back is a cross-site navigation, which a Strict
      // cookie would not ride along with. It holds no credential, only what the callback checks.
      void reply.setCookie(SIGN_IN_COOKIE, fastify.sessions.sealValue(state), {
        path: SIGN_IN_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies,
        maxAge: SIGN_IN_TTL_MS / 1000,
      })
      return reply.redirect(started.url.toString(), 302)
    },
  )

  fastify.get(
    '/session/sso/callback',
    {
      config: { public: true },
      schema: {
        hide: true,
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String({ maxLength: 2048 })),
            state: Type.Optional(Type.String({ maxLength: 512 })),
            iss: Type.Optional(Type.String({ maxLength: 2048 })),
            error: Type.Optional(Type.String({ maxLength: 256 })),
            error_description: Type.Optional(Type.String({ maxLength: 2048 })),
            session_state: Type.Optional(Type.String({ maxLength: 512 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { client } = sso()
      // Single use: whatever happens next, this sign-in's state is spent.
      const state = fastify.sessions.openValue<SignInState>(request.cookies[SIGN_IN_COOKIE])
      clearSignIn(reply)
      if (!state || !(state.exp > Date.now()))
        throw httpError(
          400,
          'This sign-in was not started in this browser, or it took too long; start again from the login page.',
          'SSO_NO_SIGN_IN',
        )
      const error = request.query.error
      if (error)
        throw httpError(
          400,
          `The identity provider did not sign you in (${/^[a-z_]{1,64}$/.test(error) ? error : 'error'}).`,
          'SSO_DENIED',
        )
      const callbackUrl = new URL(request.url, options.publicOrigin)
      let tokens
      try {
        tokens = await client.finishSignIn(callbackUrl, state)
      } catch (err) {
        if (!isProviderRefusal(err)) throw providerUnavailable()
        const reason = refusalReason(err)
        request.log.info({ reason }, 'single sign-on refused')
        throw httpError(
          400,
          `The sign-in was refused: ${reason}. Start again from the login page.`,
          'SSO_REJECTED',
        )
      }
      // The cluster must take the ID token as this person: it is their credential from now on.
      const who = await fastify.whoAmI(tokens.idToken, request.ip)
      if (!tokens.refreshToken)
        throw httpError(
          400,
          'The identity provider issued no refresh token; vmdeck needs one to keep the session.',
          'SSO_NO_REFRESH_TOKEN',
        )
      fastify.issueSession(reply, {
        token: tokens.idToken,
        ...who,
        ...(tokens.displayName ? { displayName: tokens.displayName } : {}),
        oidc: {
          refreshToken: tokens.refreshToken,
          refreshedAt: Date.now(),
          expiresAt: tokens.expiresAt,
        },
      })
      request.log.info({ user: who.username }, 'login (single sign-on)')
      return reply.redirect('/', 302)
    },
  )
}

export default sessionSso
