import { ApiErrorBody } from '@vmdeck/shared'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Every API route answers errors in one shape: the 4xx and 5xx responses are declared here once,
 * for every route under `/api/` with a schema (serialized with it, and listed in `/api/docs`).
 * A route's own declaration of a status wins.
 */
async function commonErrors(fastify: FastifyInstance): Promise<void> {
  fastify.addHook('onRoute', (route) => {
    const schema = route.schema as
      { hide?: boolean; response?: Record<string, unknown> } | undefined
    if (!schema || schema.hide || !route.url.startsWith('/api/')) return
    schema.response = { '4xx': ApiErrorBody, '5xx': ApiErrorBody, ...schema.response }
  })
}

export default fp(commonErrors, { name: 'common-errors' })
