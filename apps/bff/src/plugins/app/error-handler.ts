import type { ApiErrorBody } from '@vmdeck/shared'
import type { FastifyError, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { STATUS_CODES } from 'node:http'

/**
 * Every error answer in the shared shape ({ statusCode, error, message, code? }). Errors from the
 * cluster arrive as HttpErrors already (kube/kube-error.ts translates them, once).
 */
async function errorHandler(fastify: FastifyInstance): Promise<void> {
  fastify.setErrorHandler((err: FastifyError, request, reply) => {
    const statusCode = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500
    const { detail, retryAfterSeconds } = err as { detail?: string; retryAfterSeconds?: number }
    if (statusCode >= 500 && detail !== undefined)
      request.log.warn({ code: err.code, detail }, 'upstream unavailable')
    else if (statusCode >= 500) request.log.error({ err }, 'request failed')
    if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds))
    const body: ApiErrorBody = {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      // Unexpected failures keep their details in the log, not in the response.
      message:
        statusCode >= 500 && !err.code
          ? 'Something went wrong in vmdeck; the server log has the details.'
          : err.message,
      ...(err.code ? { code: err.code } : {}),
    }
    return reply.code(statusCode).send(body)
  })
}

export default fp(errorHandler, { name: 'error-handler' })
