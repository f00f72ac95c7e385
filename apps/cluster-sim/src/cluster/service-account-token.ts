import type { KubeClient } from './kube-client.ts'

/**
 * A token of an existing service account from the TokenRequest API: a JWT signed by
 * kube-apiserver, as a pod's projected token. A year long: nothing here refreshes it.
 */
export async function requestToken(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<string> {
  const review = await client.json<{ status: { token: string } }>(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    {
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 365 * 24 * 3600 },
      },
    },
  )
  return review.status.token
}
