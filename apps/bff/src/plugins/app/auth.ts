import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { randomBytes } from 'node:crypto'
import { httpError } from '../../kube/http-error.ts'
import { SessionRevocations, type SessionRef } from '../../kube/session-revocations.ts'
import type { Identity } from '../../lib/identity.ts'
import { OidcClient, type OidcOptions } from '../../lib/oidc-client.ts'
import { OidcSessions } from '../../lib/oidc-sessions.ts'
import { isPublicRoute } from '../../lib/public-route.ts'
import { SessionSealer, type OidcTokens, type SessionData } from '../../lib/session-cookie.ts'
import { TokenReviewer, type Who } from '../../lib/token-reviewer.ts'

export const SESSION_COOKIE = 'vmdeck_session'

/** Why a sealed session is no longer good, or undefined while it is. */
export type SessionEnd = 'revoked' | 'expired' | 'idle' | undefined

/** What `sessionEnd` reads of a session: who, when issued, until when, and (for idleness) last seen. */
export type SessionTimes = SessionRef & { exp: number; seen?: number }

/** The credentials a request or a WebSocket upgrade carries. */
export interface Credentials {
  authorization: string | undefined
  /** The sealed session cookie's value. */
  sessionCookie: string | undefined
  clientAddress: string
}

export interface Identified {
  identity: Identity
  /** The opened cookie session (absent for bearer tokens), with renewed tokens if any. */
  sealed?: SessionData
  /** The session's tokens were renewed: the cookie should be sealed again. */
  renewed?: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | undefined
  }
  interface FastifyInstance {
    sessions: SessionSealer
    /** Revoked sessions, shared by all replicas through the cluster. */
    revocations: SessionRevocations
    /** Checks a session against revocations, absolute expiry and (unless told) idleness. */
    sessionEnd(session: SessionTimes, options?: { ignoreIdle?: boolean }): SessionEnd
    /**
     * Asks the API server who a token belongs to (SelfSubjectReview); rejects malformed tokens
     * (400), unknown ones (401), and clients or tokens that failed too often (429).
     */
    whoAmI(token: string, clientAddress?: string): Promise<Who>
    /**
     * Who a request or a console's WebSocket upgrade acts for: its bearer token if it sends one,
     * else its session cookie while that session is good; undefined for neither. Throws what
     * `whoAmI` throws, and 503 while revoked sessions are not known yet.
     */
    identify(credentials: Credentials): Promise<Identified | undefined>
    /** Seals a new session into the reply's cookie; returns what it sealed. */
    issueSession(
      reply: FastifyReply,
      identity: {
        token: string
        username: string
        groups: string[]
        displayName?: string
        oidc?: OidcTokens
      },
    ): SessionData
    sessionTtlMs: number
    sessionIdleMs: number
    /** The OpenID provider vmdeck signs people in with, when one is configured. */
    sso: { client: OidcClient; sessions: OidcSessions } | undefined
  }
  interface FastifyContextConfig {
    /** Reachable without a session (login, health). */
    public?: boolean
  }
}

export interface AuthOptions {
  sessionKeys: string[]
  publicOrigin: string
  sessionTtlMs: number
  /** A session unused this long ends (default 30 min). */
  sessionIdleMs: number
  secureCookies: boolean
  /** Where revocation records live: the BFF's own namespace. */
  sessionNamespace: string
  /** Failed logins allowed per client address and per token, per window. */
  loginFailures?: { perAddress: number; perToken: number; windowMs: number }
  /** Single sign-on with an OpenID provider (absent: token login only). */
  oidc?: OidcOptions
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** The cookie is re-sealed with a new "last seen" at most this often. */
const SEEN_GRANULARITY_MS = 60_000

async function auth(fastify: FastifyInstance, options: AuthOptions): Promise<void> {
  const sealer = new SessionSealer(options.sessionKeys)
  fastify.decorate('sessions', sealer)
  fastify.decorate('sessionTtlMs', options.sessionTtlMs)
  fastify.decorate('sessionIdleMs', options.sessionIdleMs)
  fastify.decorateRequest('identity', undefined)

  const home = fastify.clusters.values().next().value
  if (!home) throw new Error('no cluster configured: sessions need one to record revocations')
  const revocations = new SessionRevocations({
    client: home.serviceClient,
    watch: (path, selector) => home.watch(path, selector),
    namespace: options.sessionNamespace,
    log: fastify.log,
  })
  fastify.decorate('revocations', revocations)
  fastify.addHook('onReady', async () => {
    revocations.start().catch(() => undefined)
  })
  fastify.addHook('onClose', async () => revocations.stop())

  fastify.decorate('sessionEnd', (session: SessionTimes, { ignoreIdle = false } = {}) => {
    const now = Date.now()
    if (revocations.isRevoked(session)) return 'revoked'
    if (session.exp <= now) return 'expired'
    if (!ignoreIdle && session.seen !== undefined && session.seen + options.sessionIdleMs <= now)
      return 'idle'
    return undefined
  })

  const reviewer = new TokenReviewer({
    cluster: () => fastify.clusters.values().next().value,
    failures: options.loginFailures ?? { perAddress: 20, perToken: 5, windowMs: 5 * 60_000 },
    log: fastify.log,
  })
  fastify.decorate('whoAmI', (token: string, clientAddress?: string) =>
    reviewer.review(token, clientAddress),
  )

  const sso = options.oidc ? ssoOf(options.oidc) : undefined
  fastify.decorate('sso', sso)
  function ssoOf(oidc: OidcOptions) {
    const client = new OidcClient(oidc)
    const sessions = new OidcSessions({
      client,
      refreshMs: oidc.refreshMs ?? 60_000,
      idleMs: options.sessionIdleMs,
      whoAmI: (token) => reviewer.review(token),
      endSession: ({ sid, exp }) => revocations.revokeSession(sid, exp, 'provider'),
      hasEnded: (session) => fastify.sessionEnd(session, { ignoreIdle: true }) !== undefined,
      // What this person may do changed: open consoles and streams re-check now, not at their
      // next periodic check (the renewed token already misses the access cache).
      onGroupsChanged: () => {
        for (const cluster of fastify.clusters.values()) cluster.access.invalidate()
      },
      log: fastify.log.child({ component: 'sso' }),
    })
    fastify.addHook('onReady', async () => sessions.start())
    fastify.addHook('onClose', async () => sessions.stop())
    return { client, sessions }
  }

  fastify.decorate('identify', async (credentials: Credentials) => {
    const { authorization } = credentials
    if (authorization?.startsWith('Bearer ')) {
      const token = authorization.slice(7).trim()
      if (!token) return undefined
      const who = await reviewer.review(token, credentials.clientAddress)
      return { identity: { token, username: who.username, groups: who.groups, via: 'bearer' } }
    }
    const sealed = sealer.open(credentials.sessionCookie)
    if (!sealed) return undefined
    // Until the revocation records are listed, a replayed logged-out cookie cannot be told apart.
    if (!revocations.ready)
      throw httpError(
        503,
        'vmdeck is starting and cannot check sessions yet; try again in a moment.',
        'SESSIONS_UNAVAILABLE',
      )
    if (fastify.sessionEnd(sealed) !== undefined) return undefined
    if (sealed.oidc) {
      // A single sign-on session needs the provider: without one configured it is not good here.
      const live = await sso?.sessions.identify({ ...sealed, oidc: sealed.oidc })
      return live && { identity: live.identity, sealed: live.sealed, renewed: live.changed }
    }
    const identity: Identity = {
      token: sealed.token,
      username: sealed.username,
      groups: sealed.groups,
      via: 'cookie',
      session: { sid: sealed.sid, iat: sealed.iat, exp: sealed.exp },
    }
    return { identity, sealed }
  })

  const setCookie = (reply: FastifyReply, data: SessionData) =>
    void reply.setCookie(SESSION_COOKIE, sealer.seal(data), {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: options.secureCookies,
      maxAge: Math.max(1, Math.floor((data.exp - Date.now()) / 1000)),
    })

  fastify.decorate(
    'issueSession',
    (
      reply: FastifyReply,
      identity: {
        token: string
        username: string
        groups: string[]
        displayName?: string
        oidc?: OidcTokens
      },
    ) => {
      const now = Date.now()
      const data: SessionData = {
        ...identity,
        sid: randomBytes(16).toString('hex'),
        iat: now,
        seen: now,
        exp: now + options.sessionTtlMs,
      }
      setCookie(reply, data)
      return data
    },
  )

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const found = await fastify.identify({
      authorization: request.headers.authorization,
      sessionCookie: request.cookies[SESSION_COOKIE],
      clientAddress: request.ip,
    })
    request.identity = found?.identity
    if (found?.sealed && (found.renewed || Date.now() - found.sealed.seen > SEEN_GRANULARITY_MS))
      setCookie(reply, { ...found.sealed, seen: Date.now() })
    // A cookie rides along on cross-site requests; only our own origin may change state with it.
    if (unsafeMethods.has(request.method) && request.identity?.via !== 'bearer') {
      const origin = request.headers.origin
      if (origin !== options.publicOrigin) {
        throw httpError(
          403,
          // The Origin header is the caller's text: it is not echoed back (nor is any header).
          `Cross-site request refused: only ${options.publicOrigin} may change state with a session cookie.`,
          'BAD_ORIGIN',
        )
      }
    }
    if (!request.identity && !isPublicRoute(request))
      throw httpError(401, 'Log in first: no valid session or bearer token.', 'UNAUTHENTICATED')
  })
}

export default fp(auth, { name: 'auth', dependencies: ['clusters'] })
