import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApiErrorBody, LoginOptions, LoginRequest, SessionInfo } from '@vmdeck/shared'
import { Type } from 'typebox'
import { httpError } from '../lib/http-error.ts'
import { SESSION_COOKIE } from '../plugins/app/auth.ts'

const session: FastifyPluginAsyncTypebox = async (fastify) => {
  const info = (identity: { username: string; groups: string[] }) => ({
    user: { username: identity.username, groups: identity.groups },
    clusters: [...fastify.clusters.keys()],
  })

  fastify.get(
    '/api/v1/session',
    { schema: { response: { 200: SessionInfo, '4xx': ApiErrorBody } } },
    async (request) => {
      const identity = request.identity
      if (!identity) throw httpError(401, 'Not logged in.', 'UNAUTHENTICATED')
      return info(identity)
    },
  )

  fastify.get(
    '/api/v1/session/options',
    { config: { public: true }, schema: { response: { 200: LoginOptions } } },
    async () => ({
      demoUsers: [...fastify.demoTokens.keys()],
    }),
  )

  fastify.post(
    '/api/v1/session',
    {
      config: { public: true },
      schema: {
        body: LoginRequest,
        response: { 200: SessionInfo, '4xx': ApiErrorBody, '5xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
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
      const who = await fastify.whoAmI(token)
      fastify.issueSession(reply, { token, ...who })
      request.log.info({ user: who.username }, 'login')
      return info(who)
    },
  )

  fastify.delete(
    '/api/v1/session',
    { config: { public: true }, schema: { response: { 204: Type.Null() } } },
    async (request, reply) => {
      if (request.identity) request.log.info({ user: request.identity.username }, 'logout')
      void reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.code(204).send(null)
    },
  )
}

export default session
