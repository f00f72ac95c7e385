import type { KubeClient, KubeResponse } from '../kube-client.ts'
import { paths } from './paths.ts'

/** Cordons (true) or uncordons (false) a node; the API server decides who may. */
export async function setUnschedulable(
  client: KubeClient,
  node: string,
  unschedulable: boolean,
): Promise<void> {
  await client.call({
    method: 'PATCH',
    path: paths.node(node),
    contentType: 'application/merge-patch+json',
    body: { spec: { unschedulable } },
  })
}

/** Asks the Eviction API to evict a pod, raw: 429 means "not now" (a migration is under way). */
export function evictPod(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<KubeResponse> {
  return client.raw({
    method: 'POST',
    path: paths.eviction(namespace, name),
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
  })
}
