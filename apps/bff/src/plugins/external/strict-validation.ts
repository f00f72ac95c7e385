import AjvCompiler from '@fastify/ajv-compiler'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Fastify's default Ajv silently drops properties a schema does not list; vmdeck rejects them
 * instead (`additionalProperties: false` answers 400), so a typo or a smuggled field never passes
 * unnoticed. Otherwise Fastify's defaults: query coercion, defaults, first error only.
 * Bodies are JSON only: a `text/plain` or form body (what a cross-site form can send without a
 * CORS preflight) answers 415 (Argo CD CVE-2024-22424).
 */
async function strictValidation(fastify: FastifyInstance): Promise<void> {
  const factory = AjvCompiler()
  // Query strings and path parameters arrive as text and are coerced; JSON bodies have types.
  const lenient = factory({}, { customOptions: { removeAdditional: false } })
  const strict = factory({}, { customOptions: { removeAdditional: false, coerceTypes: false } })
  fastify.setValidatorCompiler((route) => (route.httpPart === 'body' ? strict : lenient)(route))
  fastify.removeContentTypeParser('text/plain')
}

export default fp(strictValidation, { name: 'strict-validation' })
