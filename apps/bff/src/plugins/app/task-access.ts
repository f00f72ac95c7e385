import type { Cluster } from '../../kube/cluster.ts'
import type { Identity } from '../../lib/identity.ts'
import type { TaskVisibility } from '../../lib/query-tasks.ts'
import { VMS } from './user-access.ts'

/**
 * What of the task history a user may see: the same namespace access review as the VM list (a
 * viewer limited to `dev` sees no task of `prod`), and tasks about nodes for those who may list
 * nodes.
 */
export async function taskVisibility(
  cluster: Cluster,
  identity: Identity,
): Promise<TaskVisibility> {
  const [namespaces, nodes] = await Promise.all([
    cluster.access.visibleNamespaces(identity.token, VMS, cluster.tasks.namespaces()),
    cluster.access.can(identity.token, { verb: 'list', resource: 'nodes' }).then((d) => d.allowed),
  ])
  return { namespaces, nodes }
}
