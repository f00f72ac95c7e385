import fastifySwagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Collects the route schemas into an OpenAPI document (served by routes/docs.ts). */
async function swagger(fastify: FastifyInstance): Promise<void> {
  await fastify.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'vmdeck BFF API',
        version: '1',
        description:
          'The HTTP API of vmdeck (a session cookie or `Authorization: Bearer <Kubernetes token>`). ' +
          'Errors share one shape: { statusCode, error, message, code? }.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'vmdeck_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  })
}

export default fp(swagger, { name: 'swagger' })
