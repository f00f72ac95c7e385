import type { ApiErrorBody } from '@vmdeck/shared'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { SECURITY_HEADERS } from './lib/security-headers.ts'

/**
 * Fastify's `frameworkErrors` handler: errors raised before routing (a URL that does not decode,
 * FST_ERR_BAD_URL) skip every hook, so they would leave without the security headers and echo
 * the caller's URL. Passed to `Fastify({ frameworkErrors })` by the server, the tests and benches.
 */
export function frameworkErrors(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const body: ApiErrorBody = {
    statusCode: 400,
    error: 'Bad Request',
    message: 'The request URL is not valid.',
    ...(error.code ? { code: error.code } : {}),
  }
  void reply
    .code(400)
    .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' })
    .send(body)
}
