import type { PermissionCheck } from '@vmdeck/shared'
import type { KubeClient, KubeResponse } from '../kube-client.ts'
import { paths } from './paths.ts'

/** A SelfSubjectAccessReview, raw: the API server decides for the token the client carries. */
export function accessReview(client: KubeClient, check: PermissionCheck): Promise<KubeResponse> {
  return client.raw({
    method: 'POST',
    path: paths.accessReviews,
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {
        resourceAttributes: {
          verb: check.verb,
          group: check.group ?? '',
          resource: check.resource,
          ...(check.subresource ? { subresource: check.subresource } : {}),
          ...(check.namespace ? { namespace: check.namespace } : {}),
          ...(check.name ? { name: check.name } : {}),
        },
      },
    },
  })
}

/** A SelfSubjectReview, raw: whom the API server says the client's token names. */
export function selfReview(client: KubeClient): Promise<KubeResponse> {
  return client.raw({
    method: 'POST',
    path: paths.selfReviews,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  })
}
