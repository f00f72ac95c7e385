import type { KubeClient } from '../kube-client.ts'
import { kubeError } from '../kube-error.ts'
import { paths } from './paths.ts'

export interface CatalogObject {
  metadata?: {
    name?: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
  }
  spec?: Record<string, unknown>
  status?: { conditions?: { type?: string; status?: string }[] }
  type?: string
  data?: Record<string, string>
  provisioner?: string
  volumeBindingMode?: string
  allowVolumeExpansion?: boolean
}

/** The items of a list, as the user may read it; a kind the cluster does not serve is empty. */
export async function listAs(client: KubeClient, path: string): Promise<CatalogObject[]> {
  const response = await client.raw({ method: 'GET', path })
  if (response.status === 404) return []
  if (response.status >= 400) throw kubeError(response.status, response.text, path)
  return (response.body as { items?: CatalogObject[] } | undefined)?.items ?? []
}

export function createNetworkAttachment(
  client: KubeClient,
  namespace: string,
  manifest: object,
): Promise<unknown> {
  return client.call({ method: 'POST', path: paths.networkAttachments(namespace), body: manifest })
}

export async function deleteNetworkAttachment(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<void> {
  await client.call({ method: 'DELETE', path: paths.networkAttachment(namespace, name) })
}
