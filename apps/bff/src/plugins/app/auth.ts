import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { createHash, randomBytes } from 'node:crypto'
import { selfReview } from '../../kube/api/review-requests.ts'
import { SessionRevocations } from '../../kube/session-revocations.ts'
import { assertBearerToken } from '../../lib/bearer-token.ts'
import type { Identity } from '../../lib/identity.ts'
import { httpError, tooManyRequests } from '../../kube/http-error.ts'
import { isPublicRoute } from '../../lib/public-route.ts'
import { RateLimiter } from '../../lib/rate-limiter.ts'
import { SessionSealer, type SessionData } from '../../lib/session-cookie.ts'

export const SESSION_COOKIE = 'vmdeck_session'

/** Why a sealed session is no longer good, or undefined while it is. */
export type SessionEnd = 'revoked' | 'expired' | 'idle' | undefined

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | undefined
  }
  interface FastifyInstance {
    sessions: SessionSealer
    /** Revoked sessions, shared by all replicas through the cluster. */
    revocations: SessionRevocations
    /** Checks a sealed session against revocations, absolute expiry and (unless told) idleness. */
    sessionEnd(session: SessionData, options?: { ignoreIdle?: boolean }): SessionEnd
    /**
     * Asks the API server who a token belongs to (SelfSubjectReview); rejects malformed tokens
     * (400), unknown ones (401), and clients or tokens that failed too often (429).
     */
    whoAmI(token: string, clientAddress?: string): Promise<{ username: string; groups: string[] }>
    issueSession(
      reply: FastifyReply,
      identity: { token: string; username: string; groups: string[] },
    ): void
    sessionTtlMs: number
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
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** The cookie is re-sealed with a new "last seen" at most this often. */
const SEEN_GRANULARITY_MS = 60_000
const digest = (token: string) => createHash('sha256').update(token).digest('base64')

async function auth(fastify: FastifyInstance, options: AuthOptions): Promise<void> {
  const sealer = new SessionSealer(options.sessionKeys)
  fastify.decorate('sessions', sealer)
  fastify.decorate('sessionTtlMs', options.sessionTtlMs)
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

  fastify.decorate('sessionEnd', (session: SessionData, { ignoreIdle = false } = {}) => {
    const now = Date.now()
    if (revocations.isRevoked(session)) return 'revoked'
    if (session.exp <= now) return 'expired'
    if (!ignoreIdle && session.seen + options.sessionIdleMs <= now) return 'idle'
    return undefined
  })

  // Each failed token costs the API server a review: limit failures per client and per token.
  const limits = options.loginFailures ?? { perAddress: 20, perToken: 5, windowMs: 5 * 60_000 }
  const byAddress = new RateLimiter({ limit: limits.perAddress, windowMs: limits.windowMs })
  const byToken = new RateLimiter({ limit: limits.perToken, windowMs: limits.windowMs })

  // Bearer tokens of scripts are checked with the API server and remembered briefly, so a script
  // polling the API does not cost a review per request.
  const reviewed = new Map<string, { username: string; groups: string[]; until: number }>()
  fastify.decorate('whoAmI', async (token: string, clientAddress = '') => {
    assertBearerToken(token)
    const tokenKey = digest(token)
    const hit = reviewed.get(tokenKey)
    if (hit && hit.until > Date.now()) return hit
    const wait = Math.max(byAddress.blockedFor(clientAddress), byToken.blockedFor(tokenKey))
    if (wait > 0)
      throw tooManyRequests(
        'Too many failed logins from here or with this token; wait before trying again.',
        'TOO_MANY_FAILED_LOGINS',
        wait,
      )
    const cluster = fastify.clusters.values().next().value
    if (!cluster) throw httpError(503, 'No cluster is configured, so no token can be checked.')
    const rejected = () => {
      byAddress.spend(clientAddress)
      byToken.spend(tokenKey)
      return httpError(401, 'The Kubernetes API server did not accept this token.', 'INVALID_TOKEN')
    }
    const unavailable = (status: number | undefined) => {
      // Only the status is logged: an error's text could quote the request (the token).
      fastify.log.warn({ cluster: cluster.id, status }, 'token review failed')
      return httpError(
        503,
        `Cluster ${cluster.id} could not check the token right now; try again.`,
        'CLUSTER_UNAVAILABLE',
      )
    }
    const answer = await selfReview(cluster.clientFor(token)).catch(() => undefined)
    if (answer === undefined) throw unavailable(undefined)
    if (answer.status === 401 || answer.status === 403) throw rejected()
    if (answer.status >= 400) throw unavailable(answer.status)
    const review = answer.body as
      { status?: { userInfo?: { username?: string; groups?: string[] } } } | undefined
    const info = review?.status?.userInfo
    if (!info?.username) throw rejected()
    const identity = {
      username: info.username,
      groups: info.groups ?? [],
      until: Date.now() + 60_000,
    }
    if (reviewed.size > 10_000) reviewed.clear()
    reviewed.set(tokenKey, identity)
    return identity
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
    (reply: FastifyReply, identity: { token: string; username: string; groups: string[] }) => {
      const now = Date.now()
      setCookie(reply, {
        ...identity,
        sid: randomBytes(16).toString('hex'),
        iat: now,
        seen: now,
        exp: now + options.sessionTtlMs,
      })
    },
  )

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const authorization = request.headers.authorization
    if (authorization?.startsWith('Bearer ')) {
      const token = authorization.slice(7).trim()
      if (token) {
        const who = await fastify.whoAmI(token, request.ip)
        request.identity = { token, username: who.username, groups: who.groups, via: 'bearer' }
      }
    } else {
      const session = sealer.open(request.cookies[SESSION_COOKIE])
      if (session) {
        // Until the revocation records are listed, a replayed logged-out cookie cannot be told apart.
        if (!revocations.ready)
          throw httpError(
            503,
            'vmdeck is starting and cannot check sessions yet; try again in a moment.',
            'SESSIONS_UNAVAILABLE',
          )
        if (fastify.sessionEnd(session) === undefined) {
          request.identity = {
            token: session.token,
            username: session.username,
            groups: session.groups,
            via: 'cookie',
            session: { sid: session.sid, iat: session.iat, exp: session.exp },
          }
          if (Date.now() - session.seen > SEEN_GRANULARITY_MS)
            setCookie(reply, { ...session, seen: Date.now() })
        }
      }
    }
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
