import { readBody, sendJson, type CustomHandler } from '../apiserver/api-server.ts'
import type { ResourceDef } from '../apiserver/registry.ts'

export const authenticationResources: ResourceDef[] = [
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    plural: 'selfsubjectreviews',
    singular: 'selfsubjectreview',
    kind: 'SelfSubjectReview',
    namespaced: false,
    verbs: ['create'],
    crd: false,
  },
]

/** `POST /apis/authentication.k8s.io/v1/selfsubjectreviews`: who the token belongs to (`kubectl auth whoami`). */
export const selfSubjectReviewHandler: CustomHandler = async ({ req, res, path, user }) => {
  if (path.group !== 'authentication.k8s.io' || path.plural !== 'selfsubjectreviews') return false
  if (req.method !== 'POST' || path.name) {
    sendJson(res, 405, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server does not allow this method on the requested resource',
      reason: 'MethodNotAllowed',
      code: 405,
    })
    return true
  }
  // The body carries nothing but type meta (kubectl sends it as protobuf): drain it unread.
  await readBody(req)
  sendJson(res, 201, {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    status: {
      userInfo: {
        username: user.username,
        ...(user.uid ? { uid: user.uid } : {}),
        groups: user.groups,
      },
    },
  })
  return true
}
