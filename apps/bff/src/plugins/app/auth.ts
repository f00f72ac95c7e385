import { AuthenticationV1Api } from '@kubernetes/client-node'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { createHash } from 'node:crypto'
import { SessionSealer, type SessionData } from '../../lib/session-cookie.ts'
import { httpError } from '../../lib/http-error.ts'

export const SESSION_COOKIE = 'vmdeck_session'

export interface Identity {
  token: string
  username: string
  groups: string[]
  via: 'cookie' | 'bearer'
}

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | undefined
  }
  interface FastifyInstance {
    sessions: SessionSealer
    /** Asks the API server who a token belongs to (SelfSubjectReview); rejects unknown tokens. */
    whoAmI(token: string): Promise<{ username: string; groups: string[] }>
    issueSession(
      reply: FastifyReply,
      identity: { token: string; username: string; groups: string[] },
    ): void
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
  secureCookies: boolean
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

async function auth(fastify: FastifyInstance, options: AuthOptions): Promise<void> {
  const sealer = new SessionSealer(options.sessionKeys)
  fastify.decorate('sessions', sealer)
  fastify.decorateRequest('identity', undefined)

  // Bearer tokens of scripts are checked with the API server and remembered briefly, so a script
  // polling the API does not cost a review per request.
  const reviewed = new Map<string, { username: string; groups: string[]; until: number }>()
  fastify.decorate('whoAmI', async (token: string) => {
    const digest = createHash('sha256').update(token).digest('base64')
    const hit = reviewed.get(digest)
    if (hit && hit.until > Date.now()) return hit
    const cluster = fastify.clusters.values().next().value
    if (!cluster) throw httpError(503, 'No cluster is configured, so no token can be checked.')
    const api = cluster.forUser(token).makeApiClient(AuthenticationV1Api)
    let review
    try {
      review = await api.createSelfSubjectReview({
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      })
    } catch (err) {
      const code = (err as { code?: number }).code
      if (code === 401 || code === 403)
        throw httpError(
          401,
          'The Kubernetes API server did not accept this token.',
          'INVALID_TOKEN',
        )
      throw httpError(
        503,
        `Cluster ${cluster.id} could not check the token: ${(err as Error).message}`,
        'CLUSTER_UNAVAILABLE',
      )
    }
    const info = review.status?.userInfo
    if (!info?.username)
      throw httpError(401, 'The Kubernetes API server did not accept this token.', 'INVALID_TOKEN')
    const identity = {
      username: info.username,
      groups: info.groups ?? [],
      until: Date.now() + 60_000,
    }
    if (reviewed.size > 10_000) reviewed.clear()
    reviewed.set(digest, identity)
    return identity
  })

  fastify.decorate(
    'issueSession',
    (reply: FastifyReply, identity: { token: string; username: string; groups: string[] }) => {
      const data: SessionData = { ...identity, exp: Date.now() + options.sessionTtlMs }
      void reply.setCookie(SESSION_COOKIE, sealer.seal(data), {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
        maxAge: Math.floor(options.sessionTtlMs / 1000),
      })
    },
  )

  fastify.addHook('onRequest', async (request: FastifyRequest) => {
    const authorization = request.headers.authorization
    if (authorization?.startsWith('Bearer ')) {
      const token = authorization.slice(7).trim()
      if (token) {
        const who = await fastify.whoAmI(token)
        request.identity = { token, username: who.username, groups: who.groups, via: 'bearer' }
      }
    } else {
      const session = sealer.open(request.cookies[SESSION_COOKIE])
      if (session)
        request.identity = {
          token: session.token,
          username: session.username,
          groups: session.groups,
          via: 'cookie',
        }
    }
    // A cookie rides along on cross-site requests; only our own origin may change state with it.
    if (unsafeMethods.has(request.method) && request.identity?.via !== 'bearer') {
      const origin = request.headers.origin
      if (origin !== options.publicOrigin) {
        throw httpError(
          403,
          `Cross-site request refused: Origin ${origin ?? '(none)'} is not ${options.publicOrigin}.`,
          'BAD_ORIGIN',
        )
      }
    }
    const isPublic = request.routeOptions.config.public === true
    if (!isPublic && !request.identity && request.url.startsWith('/api/')) {
      throw httpError(401, 'Log in first: no valid session or bearer token.', 'UNAUTHENTICATED')
    }
  })
}

export default fp(auth, { name: 'auth', dependencies: ['clusters'] })
