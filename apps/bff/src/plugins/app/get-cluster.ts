import type { FastifyInstance } from 'fastify'
import type { Cluster } from '../../kube/cluster.ts'
import { httpError } from '../../kube/http-error.ts'

/**
 * The cluster a route names; 404 when unknown, 503 while its caches are not synced (down or
 * starting), except for a route that serves a partial cache while the first list comes in.
 */
export function getCluster(
  fastify: FastifyInstance,
  id: string,
  options: { requireSynced?: boolean; allowLoading?: boolean } = {},
): Cluster {
  const cluster = fastify.clusters.get(id)
  if (!cluster)
    throw httpError(
      404,
      `There is no cluster "${id}". Known clusters: ${[...fastify.clusters.keys()].join(', ')}.`,
      'UNKNOWN_CLUSTER',
    )
  const loading = options.allowLoading === true && cluster.vms.loading
  if ((options.requireSynced ?? true) && !cluster.vms.synced && !loading) {
    throw httpError(
      503,
      `Cluster "${id}" is not reachable right now (its API server does not answer); retrying.`,
      'CLUSTER_UNAVAILABLE',
    )
  }
  return cluster
}
