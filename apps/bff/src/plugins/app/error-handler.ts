import type { ApiErrorBody } from '@vmdeck/shared'
import type { FastifyError, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { STATUS_CODES } from 'node:http'

interface KubeStatus {
  message?: string
  reason?: string
  code?: number
}

const upperSnake = (text: string) => text.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()

/** Turns a client-node ApiException (HTTP code + Kubernetes Status body) into our error shape. */
export function fromKubeError(err: unknown): ApiErrorBody | undefined {
  const e = err as { code?: unknown; body?: unknown }
  if (typeof e.code !== 'number' || e.body === undefined) return undefined
  let status: KubeStatus | undefined
  if (typeof e.body === 'string') {
    try {
      status = JSON.parse(e.body) as KubeStatus
    } catch {
      status = { message: e.body }
    }
  } else status = e.body as KubeStatus
  const statusCode = e.code
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: status?.message || `The Kubernetes API answered ${statusCode}.`,
    ...(status?.reason ? { code: `K8S_${upperSnake(status.reason)}` } : {}),
  }
}

async function errorHandler(fastify: FastifyInstance): Promise<void> {
  fastify.setErrorHandler((err: FastifyError, request, reply) => {
    const kube = fromKubeError(err)
    if (kube) return reply.code(kube.statusCode).send(kube)
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
