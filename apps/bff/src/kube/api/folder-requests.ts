import type { KubeClient } from '../kube-client.ts'
import { paths } from './paths.ts'

/** Sets one label of a VM (null removes it) with a merge patch: `patch` on the VM as the caller. */
export async function setVmLabel(
  client: KubeClient,
  namespace: string,
  name: string,
  key: string,
  value: string | null,
): Promise<void> {
  await client.call({
    method: 'PATCH',
    path: paths.vm(namespace, name),
    contentType: 'application/merge-patch+json',
    body: { metadata: { labels: { [key]: value } } },
  })
}
