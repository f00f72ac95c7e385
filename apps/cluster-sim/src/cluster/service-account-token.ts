import type { KubeClient } from './kube-client.ts'

/**
 * A token of an existing service account from the TokenRequest API: a JWT signed by
 * kube-apiserver, as a pod's projected token. A year long: nothing here refreshes it. Bound to a
 * pod, it also names the pod's node (the `authentication.kubernetes.io/node-name` extra that
 * KubeVirt's node-restriction admission policy checks).
 */
export async function requestToken(
  client: KubeClient,
  namespace: string,
  name: string,
  boundTo?: { name: string; uid: string },
): Promise<string> {
  const review = await client.json<{ status: { token: string } }>(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    {
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          expirationSeconds: 365 * 24 * 3600,
          ...(boundTo ? { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', ...boundTo } } : {}),
        },
      },
    },
  )
  return review.status.token
}
