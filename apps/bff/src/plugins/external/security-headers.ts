import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { SECURITY_HEADERS } from '../../lib/security-headers.ts'

/** Adds the security headers to every answer, and keeps API answers out of caches. */
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
