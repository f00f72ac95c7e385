import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

// The SPA loads only its own scripts and talks only to its origin; nothing may frame it.
const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

async function securityHeaders(fastify: FastifyInstance): Promise<void> {
  fastify.addHook('onSend', async (_request, reply) => {
    void reply.header('content-security-policy', csp)
    void reply.header('x-content-type-options', 'nosniff')
    void reply.header('referrer-policy', 'no-referrer')
    void reply.header('x-frame-options', 'DENY')
  })
}

export default fp(securityHeaders, { name: 'security-headers' })
