import type { FastifyRequest } from 'fastify'

/**
 * Whether the route this request was matched to may be reached without a session: decided on the
 * route the router picked (which decodes the path), never on the raw URL, so `/%61pi/…`, `%2F`,
 * double encoding or case games cannot skip the login check. Public are only: routes marked
 * `config.public` (health, login, logout, login options), the SPA's static files (routes of
 * @fastify/static carry the file they serve), and the not-found handler, which serves only the
 * SPA shell and 404s. Everything else, present or future, needs a session.
 */
export function isPublicRoute(request: FastifyRequest): boolean {
  const config = request.routeOptions.config as { public?: boolean; rootPath?: unknown }
  if (config.public === true) return true
  if (typeof config.rootPath === 'string') return true
  return request.routeOptions.url === undefined
}
