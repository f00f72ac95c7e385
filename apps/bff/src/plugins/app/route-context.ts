import type { KubernetesObject } from '@kubernetes/client-node'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Cluster } from '../../kube/cluster.ts'
import { getCluster } from './get-cluster.ts'
import { identityOf, visibleVm } from './user-access.ts'

export interface RouteVm {
  vm: KubernetesObject
  vmi: KubernetesObject | undefined
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The cluster a `/clusters/:cluster/…` route names; set by `resolveCluster` before the handler. */
    cluster: Cluster
    /** The VM a `…/vms/:name…` route names, if the caller may see it; set by `resolveVm`. */
    routeVm: RouteVm
  }
  interface FastifyContextConfig {
    /** Served while the cluster's caches are not synced (permissions, the event stream). */
    clusterMayBeDown?: boolean
    /** Served from the VM cache while its first list is still coming in (flagged `loading`). */
    partialVmCache?: boolean
  }
}

/**
 * What every cluster route starts with, as a preHandler (after validation): the cluster it names,
 * 404 when unknown, 503 while its caches are not synced unless the route says it copes.
 */
export async function resolveCluster(request: FastifyRequest): Promise<void> {
  const { cluster } = request.params as { cluster: string }
  request.cluster = getCluster(request.server, cluster, {
    requireSynced: request.routeOptions.config.clusterMayBeDown !== true,
    allowLoading: request.routeOptions.config.partialVmCache === true,
  })
}

/**
 * What every VM route starts with, after `resolveCluster`: the VM (and VMI), if the shared cache
 * knows it and the caller may `get` VMs in its namespace, otherwise the same 404 as a VM that does not exist.
 */
export async function resolveVm(request: FastifyRequest): Promise<void> {
  const { namespace, name } = request.params as { namespace: string; name: string }
  request.routeVm = await visibleVm(request.cluster, identityOf(request), namespace, name)
}

/** Declares the request fields the cluster and VM preHandlers fill in. */
async function routeContext(fastify: FastifyInstance): Promise<void> {
  fastify.decorateRequest('cluster', null as unknown as Cluster)
  fastify.decorateRequest('routeVm', null as unknown as RouteVm)
}

export default fp(routeContext, { name: 'route-context' })
