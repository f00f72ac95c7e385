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

/** Sent on every answer, including the early errors Fastify makes before any hook runs. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': csp,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
}

async function securityHeaders(fastify: FastifyInstance): Promise<void> {
  fastify.addHook('onSend', async (_request, reply) => {
    void reply.headers(SECURITY_HEADERS)
    // API answers carry what one user may see: no browser or proxy cache may keep them.
    const type = String(reply.getHeader('content-type') ?? '')
    if (type.startsWith('application/json') && !reply.hasHeader('cache-control'))
      void reply.header('cache-control', 'no-store')
  })
}

export default fp(securityHeaders, { name: 'security-headers' })
