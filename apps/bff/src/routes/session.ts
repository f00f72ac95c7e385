import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { LoginOptions, LoginRequest, LogoutResult, SessionInfo } from '@vmdeck/shared'
import { Type } from 'typebox'
import { httpError } from '../kube/http-error.ts'
import type { SessionData } from '../lib/session-cookie.ts'
import { identityOf } from '../plugins/app/user-access.ts'
import { SESSION_COOKIE } from '../plugins/app/auth.ts'
import sessionSso, { type SessionSsoOptions } from './session-sso.ts'

export interface SessionOptions extends SessionSsoOptions {
  /** Whether people may log in by pasting a Kubernetes token (bearer headers always work). */
  tokenLogin: boolean
}

/** The RBAC grant that may end other users' sessions (deploy/base/rbac.yaml names it). */
export const SESSION_ADMIN_CHECK = {
  verb: 'delete',
  group: 'vmdeck.io',
  resource: 'sessions',
} as const

const session: FastifyPluginAsyncTypebox<SessionOptions> = async (fastify, options) => {
  // Only with a provider configured: otherwise there are no single sign-on routes at all.
  if (fastify.sso)
    await fastify.register(sessionSso, {
      secureCookies: options.secureCookies,
      publicOrigin: options.publicOrigin,
    })

  // What the user menu shows: who, their groups, and (for a cookie session) when it ends.
  const info = (
    identity: { username: string; groups: string[] },
    sealed?: Pick<SessionData, 'exp' | 'oidc' | 'displayName'>,
  ): SessionInfo => ({
    user: {
      username: identity.username,
      groups: identity.groups,
      ...(sealed?.displayName ? { displayName: sealed.displayName } : {}),
    },
    clusters: [...fastify.clusters.keys()],
    ...(sealed
      ? {
          session: {
            method: sealed.oidc ? 'sso' : 'token',
            expiresAt: new Date(sealed.exp).toISOString(),
            idleTimeoutSeconds: Math.max(1, Math.round(fastify.sessionIdleMs / 1000)),
            ...(sealed.oidc && fastify.sso
              ? { renewalSeconds: (fastify.sso.client.options.refreshMs ?? 60_000) / 1000 }
              : {}),
          },
        }
      : {}),
  })

  fastify.get('/session', { schema: { response: { 200: SessionInfo } } }, async (request) => {
    const identity = identityOf(request)
    const sealed =
      identity.via === 'cookie' ? fastify.sessions.open(request.cookies[SESSION_COOKIE]) : undefined
    return info(identity, sealed)
  })

  fastify.get(
    '/session/options',
    { config: { public: true }, schema: { response: { 200: LoginOptions } } },
    async () => ({
      demoUsers: options.tokenLogin ? [...fastify.demoTokens.keys()] : [],
      ...(fastify.sso
        ? {
            sso: {
              name: fastify.sso.client.displayName,
              loginUrl: '/api/v1/session/sso/login',
            },
          }
        : {}),
      tokenLogin: options.tokenLogin,
    }),
  )

  fastify.post(
    '/session',
    {
      config: { public: true },
      schema: {
        body: LoginRequest,
        response: { 200: SessionInfo },
      },
    },
    async (request, reply) => {
      if (!options.tokenLogin)
        throw httpError(
          403,
          'Logging in with a token is turned off here; use single sign-on.',
          'TOKEN_LOGIN_DISABLED',
        )
      const body = request.body
      let token: string
      if ('demoUser' in body) {
        const demoToken = fastify.demoTokens.get(body.demoUser)
        if (!demoToken)
          throw httpError(
            400,
            `There is no demo user "${body.demoUser}" (demo logins are only offered in demo mode).`,
            'UNKNOWN_DEMO_USER',
          )
        token = demoToken
      } else token = body.token
      const who = await fastify.whoAmI(token, request.ip)
      const sealed = fastify.issueSession(reply, { token, ...who })
      request.log.info({ user: who.username }, 'login')
      return info(who, sealed)
    },
  )

  // Logout revokes the session id on every replica (a record in the cluster), so a copy of the
  // cookie is worthless afterwards; clearing the cookie alone would not end anything.
  fastify.delete(
    '/session',
    {
      config: { public: true },
      schema: { response: { 200: LogoutResult, 204: Type.Null() } },
    },
    async (request, reply) => {
      void reply.clearCookie(SESSION_COOKIE, { path: '/' })
      const sealed = fastify.sessions.open(request.cookies[SESSION_COOKIE])
      if (sealed) {
        request.log.info({ user: sealed.username }, 'logout')
        fastify.sso?.sessions.forget(sealed.sid)
        try {
          await fastify.revocations.revokeSession(sealed.sid, sealed.exp)
        } catch {
          throw httpError(
            503,
            'You are logged out on this server, but the logout could not be recorded for the others; try again.',
            'LOGOUT_NOT_RECORDED',
          )
        }
      }
      if (!sealed?.oidc || !fastify.sso) return reply.code(204).send(null)
      // Single sign-on: the refresh token dies at the provider too, and the browser is sent to
      // the provider's logout page to end its session there (RP-initiated logout).
      const { client } = fastify.sso
      await client
        .revoke(sealed.oidc.refreshToken)
        .catch((err: unknown) =>
          request.log.warn({ error: (err as Error).name }, 'refresh token not revoked'),
        )
      const endSessionUrl = await client.endSessionUrl().catch(() => undefined)
      return reply.code(200).send(endSessionUrl ? { endSessionUrl } : {})
    },
  )

  fastify.delete(
    '/users/:username/sessions',
    {
      schema: {
        tags: ['session'],
        summary:
          'End every session of a user on every replica (needs RBAC: delete sessions.vmdeck.io)',
        params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 253 }) }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const identity = identityOf(request)
      const home = fastify.clusters.values().next().value
      if (!home) throw httpError(503, 'No cluster is configured.', 'CLUSTER_UNAVAILABLE')
      const decision = await home.access.can(identity.token, SESSION_ADMIN_CHECK)
      if (!decision.allowed)
        throw httpError(
          403,
          'Ending other users\u2019 sessions needs "delete" on "sessions" in API group "vmdeck.io".',
          'FORBIDDEN',
        )
      const { username } = request.params
      try {
        await fastify.revocations.revokeUser(username, fastify.sessionTtlMs)
      } catch {
        throw httpError(503, 'The revocation could not be recorded; try again.', 'NOT_RECORDED')
      }
      request.log.info({ user: identity.username, target: username }, 'sessions of a user ended')
      return reply.code(204).send(null)
    },
  )
}

export default session
