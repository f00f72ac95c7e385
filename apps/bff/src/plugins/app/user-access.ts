import type { KubernetesObject } from '@kubernetes/client-node'
import type { FastifyRequest } from 'fastify'
import type { Cluster } from '../../kube/cluster.ts'
import type { Visibility } from '../../kube/access.ts'
import type { Identity } from '../../lib/identity.ts'
import { httpError } from '../../kube/http-error.ts'

export const VMS = { group: 'kubevirt.io', resource: 'virtualmachines' }
export const MIGRATIONS = { group: 'kubevirt.io', resource: 'virtualmachineinstancemigrations' }

export function identityOf(request: FastifyRequest): Identity {
  if (!request.identity) throw httpError(401, 'Log in first.', 'UNAUTHENTICATED')
  return request.identity
}

/** Namespaces whose VMs this user may see in the shared cache. */
export function visibleVmNamespaces(cluster: Cluster, identity: Identity): Promise<Visibility> {
  return cluster.access.visibleNamespaces(identity.token, VMS, cluster.vms.namespaces())
}

/** The same answer for a VM that does not exist and one the user may not see (no enumeration). */
export const vmNotFound = (namespace: string, name: string) =>
  httpError(
    404,
    `virtualmachines.kubevirt.io "${name}" not found in namespace "${namespace}"`,
    'NOT_FOUND',
  )

/**
 * The VM (and VMI) a route names, if the shared cache holds it and this user may `get` VMs in its
 * namespace; otherwise the same 404 as a VM that does not exist.
 */
export async function visibleVm(
  cluster: Cluster,
  identity: Identity,
  namespace: string,
  name: string,
): Promise<{ vm: KubernetesObject; vmi: KubernetesObject | undefined }> {
  const decision = await cluster.access.can(identity.token, { verb: 'get', ...VMS, namespace })
  if (!decision.allowed) throw vmNotFound(namespace, name)
  const { vm, vmi } = await cluster.vms.objects(namespace, name)
  if (!vm) throw vmNotFound(namespace, name)
  return { vm, vmi }
}
