import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ClusterParams,
  parsePermissionCheck,
  PermissionQuery,
  PermissionResults,
  type PermissionCheck,
} from '@vmdeck/shared'
import { httpError, tooManyRequests } from '../kube/http-error.ts'
import { RateLimiter } from '../lib/rate-limiter.ts'
import { identityOf } from '../plugins/app/user-access.ts'

const MAX_CHECKS = 50

const permissions: FastifyPluginAsyncTypebox<{ reviewsPerMinute: number }> = async (
  fastify,
  options,
) => {
  // Each uncached check is a review the API server makes: a user's budget of them, per minute.
  const reviews = new RateLimiter({ limit: options.reviewsPerMinute, windowMs: 60_000 })
  fastify.get(
    '/permissions',
    {
      config: { clusterMayBeDown: true },
      schema: {
        tags: ['permissions'],
        summary:
          'Batched SelfSubjectAccessReviews: checks=verb:resource[.group][/subresource][:namespace[:name]],…',
        params: ClusterParams,
        querystring: PermissionQuery,
        response: { 200: PermissionResults },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const identity = identityOf(request)
      const texts = [...new Set(request.query.checks.split(',').filter(Boolean))]
      if (texts.length === 0 || texts.length > MAX_CHECKS)
        throw httpError(400, `Ask between 1 and ${MAX_CHECKS} checks at once.`, 'BAD_REQUEST')
      const checks: [string, PermissionCheck][] = texts.map((text) => {
        const check = parsePermissionCheck(text)
        if (!check)
          throw httpError(
            400,
            `"${text.slice(0, 100)}" is not a check; write verb:resource[.group][/subresource][:namespace[:name]].`,
            'BAD_REQUEST',
          )
        return [text, check]
      })
      const misses = checks.filter(([, check]) => !cluster.access.isCached(identity.token, check))
      const budgetKey = `${cluster.id}|${identity.username}`
      const wait = reviews.blockedFor(budgetKey, misses.length)
      if (wait > 0)
        throw tooManyRequests(
          'Too many permission checks in a short time; try again shortly.',
          'TOO_MANY_CHECKS',
          wait,
        )
      reviews.spend(budgetKey, misses.length)
      const decisions = await Promise.all(
        checks.map(([, check]) => cluster.access.can(identity.token, check)),
      )
      return {
        items: checks.map(([text], i) => ({
          check: text,
          allowed: decisions[i]?.allowed ?? false,
          ...(decisions[i]?.reason ? { reason: decisions[i].reason } : {}),
        })),
      }
    },
  )
}

export default permissions
