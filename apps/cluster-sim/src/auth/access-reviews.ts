import { readBodyBuffer, sendJson, type CustomHandler } from '../apiserver/api-server.ts'
import { badRequest, invalid, StatusError } from '../apiserver/status-error.ts'
import type { UserInfo } from './authenticator.ts'
import { decodeKubernetesProtobuf, PROTOBUF_TYPE, type FieldTable } from '../apiserver/protobuf.ts'
import type { AuthorizationAttributes, PolicyRule } from './rbac/policy-rule.ts'
import type { Decision } from './rbac/rbac-authorizer.ts'

const GROUP = 'authorization.k8s.io'

// Field numbers from k8s.io/api/authorization/v1/generated.proto.
const resourceAttributes: FieldTable = {
  1: ['namespace', 'string'],
  2: ['verb', 'string'],
  3: ['group', 'string'],
  4: ['version', 'string'],
  5: ['resource', 'string'],
  6: ['subresource', 'string'],
  7: ['name', 'string'],
}
const nonResourceAttributes: FieldTable = { 1: ['path', 'string'], 2: ['verb', 'string'] }
const subjectSpec: FieldTable = {
  1: ['resourceAttributes', resourceAttributes],
  2: ['nonResourceAttributes', nonResourceAttributes],
  3: ['user', 'string'],
  4: ['groups', 'strings'],
  6: ['uid', 'string'],
}
const protobufTables: Record<string, FieldTable> = {
  SelfSubjectAccessReview: { 2: ['spec', subjectSpec] },
  SubjectAccessReview: { 2: ['spec', subjectSpec] },
  LocalSubjectAccessReview: { 2: ['spec', subjectSpec] },
  SelfSubjectRulesReview: { 2: ['spec', { 1: ['namespace', 'string'] }] },
}

const kinds: Record<string, string> = {
  selfsubjectaccessreviews: 'SelfSubjectAccessReview',
  selfsubjectrulesreviews: 'SelfSubjectRulesReview',
  subjectaccessreviews: 'SubjectAccessReview',
  localsubjectaccessreviews: 'LocalSubjectAccessReview',
}

interface Spec {
  resourceAttributes?: Omit<AuthorizationAttributes, 'path'>
  nonResourceAttributes?: { path?: string; verb?: string }
  user?: string
  groups?: string[]
  uid?: string
  namespace?: string
}

export interface AccessReviewOptions {
  authorize(user: UserInfo, attributes: AuthorizationAttributes): Decision
  rulesFor(user: UserInfo, namespace: string): PolicyRule[]
}

/**
 * The authorization.k8s.io/v1 review kinds: create-only, nothing stored. They answer whether a
 * user (oneself, or anyone for SubjectAccessReview) may do something, with the RBAC authorizer's
 * decision and reason; `kubectl auth can-i` sends them as protobuf, the BFF as JSON.
 */
export function accessReviewHandler(options: AccessReviewOptions): CustomHandler {
  return async ({ req, res, path, user }) => {
    const kind = path.group === GROUP ? kinds[path.plural] : undefined
    if (!kind) return false
    if (req.method !== 'POST' || path.name) {
      throw new StatusError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      )
    }
    const body = await readReview(await readBodyBuffer(req), req.headers['content-type'] ?? '')
    if (body.kind && body.kind !== kind)
      throw badRequest(
        `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${GROUP}/v1)`,
      )
    const spec = (body.spec ?? {}) as Spec
    let status: Record<string, unknown>
    if (kind === 'SelfSubjectRulesReview') {
      status = rulesStatus(options.rulesFor(user, spec.namespace ?? ''))
    } else {
      const subject = kind === 'SelfSubjectAccessReview' ? user : subjectOf(kind, spec)
      if (
        kind === 'LocalSubjectAccessReview' &&
        spec.resourceAttributes?.namespace !== path.namespace
      ) {
        throw invalid(GROUP, kind, '', [
          {
            field: 'spec.resourceAttributes.namespace',
            message: `Invalid value: "${spec.resourceAttributes?.namespace ?? ''}": must match metadata.namespace`,
          },
        ])
      }
      const decision = options.authorize(subject, attributesOf(kind, spec))
      status = {
        allowed: decision.allowed,
        ...(decision.reason ? { reason: decision.reason } : {}),
      }
    }
    sendJson(res, 201, {
      kind,
      apiVersion: `${GROUP}/v1`,
      metadata: {
        creationTimestamp: null,
        ...(path.namespace ? { namespace: path.namespace } : {}),
      },
      spec,
      status,
    })
    return true
  }
}

async function readReview(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  if (contentType.startsWith(PROTOBUF_TYPE)) return decodeKubernetesProtobuf(raw, protobufTables)
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as unknown
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {
    // answered below
  }
  return Promise.reject(badRequest('the body of the request was in an unknown format'))
}

function attributesOf(kind: string, spec: Spec): AuthorizationAttributes {
  const resource = spec.resourceAttributes
  const nonResource = spec.nonResourceAttributes
  if ((resource === undefined) === (nonResource === undefined)) {
    throw invalid(GROUP, kind, '', [
      {
        field: 'spec.resourceAttributes',
        message:
          'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      },
    ])
  }
  if (nonResource) return { verb: nonResource.verb ?? '', path: nonResource.path ?? '' }
  const { path: _ignored, ...attributes } = {
    ...resource,
    verb: resource?.verb ?? '',
  } as AuthorizationAttributes
  return attributes
}

function subjectOf(kind: string, spec: Spec): UserInfo {
  if (!spec.user && !spec.groups?.length) {
    throw invalid(GROUP, kind, '', [
      {
        field: 'spec.user',
        message: 'Invalid value: "": at least one of user or group must be specified',
      },
    ])
  }
  return { username: spec.user ?? '', uid: spec.uid ?? '', groups: spec.groups ?? [] }
}

function rulesStatus(rules: PolicyRule[]) {
  return {
    resourceRules: rules
      .filter((r) => !r.nonResourceURLs?.length)
      .map((r) => ({
        verbs: r.verbs,
        ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}),
        ...(r.resources ? { resources: r.resources } : {}),
        ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
      })),
    nonResourceRules: rules
      .filter((r) => r.nonResourceURLs?.length)
      .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
    incomplete: false,
  }
}
