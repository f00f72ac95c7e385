// The aggregated API servers' authorizer (virt-api: kubevirt v1.9.0
// `pkg/virt-api/rest/authorizer.go`; cdi-apiserver: CDI v1.66.0 `pkg/apiserver/authorizer.go`):
// every request that is not discovery is checked with a SubjectAccessReview sent to
// kube-apiserver for the front proxy's user; a denial carries the authorizer's reason, which
// both answer as 401 plain text.
import type { KubeClient } from '../cluster/kube-client.ts'
import type { FrontProxyUser } from './front-proxy.ts'

export interface ResourceAttributes {
  namespace: string
  verb: string
  group: string
  version: string
  resource: string
  /** cdi-apiserver's reviews name neither (its only resource is create-only). */
  subresource?: string
  name?: string
}

export interface AccessDecision {
  allowed: boolean
  reason: string
}

interface SubjectAccessReview {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string }
}

export async function reviewAccess(
  client: KubeClient,
  user: FrontProxyUser,
  resourceAttributes: ResourceAttributes,
): Promise<AccessDecision> {
  const review = await client.json<SubjectAccessReview>(
    'POST',
    '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: user.username,
          ...(user.uid ? { uid: user.uid } : {}),
          groups: user.groups,
          extra: user.extra,
          resourceAttributes,
        },
      },
    },
  )
  return { allowed: review.status?.allowed === true, reason: review.status?.reason ?? '' }
}
