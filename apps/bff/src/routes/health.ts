import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'

const Health = Type.Object({
  status: Type.String(),
  clusters: Type.Optional(Type.Record(Type.String(), Type.Boolean())),
})

const health: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/healthz',
    { config: { public: true }, schema: { response: { 200: Health } } },
    async () => ({ status: 'ok' }),
  )

  // Ready when at least one cluster's caches are synced and revoked sessions are listed.
  fastify.get(
    '/readyz',
    { config: { public: true }, schema: { response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const clusters = Object.fromEntries(
        [...fastify.clusters.values()].map((c) => [c.id, c.vms.synced]),
      )
      // Cookies are trusted only once the session revocations are known (plugins/app/auth.ts).
      const ready = Object.values(clusters).some(Boolean) && fastify.revocations.ready
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', clusters })
    },
  )
}

export default health
