import { randomBytes } from 'node:crypto'
import { readBody, sendJson, type CustomHandler } from '../apiserver/api-server.ts'
import type { ObjectStore } from '../apiserver/object-store.ts'
import type { Registry } from '../apiserver/registry.ts'
import type { TokenAuthenticator } from './authenticator.ts'

/**
 * `POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token` (TokenRequest, what
 * `kubectl create token` calls): a bearer token that authenticates as
 * `system:serviceaccount:{ns}:{name}` in groups `system:serviceaccounts` and
 * `system:serviceaccounts:{ns}`. Tokens are opaque here (kube-apiserver signs a JWT) and live as
 * long as the simulator. RBAC (`create serviceaccounts/token`) was checked before this runs.
 */
export function serviceAccountTokenHandler(
  registry: Registry,
  store: ObjectStore,
  authenticator: TokenAuthenticator,
): CustomHandler {
  return async ({ req, res, path }) => {
    if (path.group !== '' || path.plural !== 'serviceaccounts' || path.subresource !== 'token')
      return false
    if (req.method !== 'POST') return false
    const def = registry.find('', 'v1', 'serviceaccounts')
    const namespace = path.namespace ?? ''
    const name = path.name ?? ''
    // The body (a TokenRequest, protobuf from kubectl) only carries audiences and a lifetime.
    await readBody(req)
    if (!def) return false
    const account = store.get(def, namespace, name)
    const token = `sa-${randomBytes(24).toString('base64url')}`
    authenticator.add(token, {
      username: `system:serviceaccount:${namespace}:${name}`,
      uid: account.metadata.uid ?? '',
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`],
    })
    const expiration = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z')
    sendJson(res, 201, {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null },
      spec: {
        audiences: ['https://kubernetes.default.svc.cluster.local'],
        expirationSeconds: 3600,
      },
      status: { token, expirationTimestamp: expiration },
    })
    return true
  }
}
