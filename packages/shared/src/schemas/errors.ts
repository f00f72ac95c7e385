import { Type, type Static } from 'typebox'

/**
 * The one error shape of the BFF's HTTP API, the same shape Fastify emits. `message` keeps the
 * Kubernetes message when there is one; `code` is machine-readable (e.g. `K8S_FORBIDDEN`).
 */
export const ApiErrorBody = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
})
export type ApiErrorBody = Static<typeof ApiErrorBody>
