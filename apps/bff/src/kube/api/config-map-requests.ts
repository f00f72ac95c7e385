import type { KubeClient, KubeResponse } from '../kube-client.ts'
import { paths } from './paths.ts'

/** Creates a ConfigMap, raw: 409 means it exists already. */
export function createConfigMap(
  client: KubeClient,
  namespace: string,
  metadata: { name: string; labels: Record<string, string> },
  data: Record<string, string>,
): Promise<KubeResponse> {
  return client.raw({
    method: 'POST',
    path: paths.configMaps(namespace),
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata, data },
  })
}

export function deleteConfigMap(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<KubeResponse> {
  return client.raw({ method: 'DELETE', path: paths.configMap(namespace, name) })
}
