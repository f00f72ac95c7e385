import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'

/** Gives a body-less request the empty object its route's schema accepts. */
async function emptyObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) request.body = {}
}

/**
 * `virtctl`, like `curl -X POST …/stop`, sends an action that takes no parameters without a body,
 * or with an empty one under `Content-Type: application/json`. A route whose body schema accepts
 * `{}` takes both as `{}`; a body that is there is parsed (JSON only, as before) and validated.
 */
async function emptyBodies(fastify: FastifyInstance): Promise<void> {
  const parseJson = fastify.getDefaultJsonParser('error', 'error')
  fastify.removeContentTypeParser('application/json')
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined)
    void parseJson(request, String(body), done)
  })
  fastify.addHook('onRoute', (route) => {
    const body = (route.schema as { body?: TSchema } | undefined)?.body
    if (body === undefined || !Value.Check(body, {})) return
    route.preValidation = [...[route.preValidation ?? []].flat(), emptyObject]
  })
}

export default fp(emptyBodies, { name: 'empty-bodies' })
