import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** `GET /api/docs`: the OpenAPI document generated from the route schemas. */
const docs: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/api/docs', { schema: { hide: true } }, async () => fastify.swagger())
}

export default docs
