import type { IncomingHttpHeaders } from 'node:http'
import { badRequest, forbidden } from '../apiserver/status-error.ts'
import type { UserInfo } from './authenticator.ts'
import type { AuthorizationAttributes } from './rbac/policy-rule.ts'

type Check = (user: UserInfo, attributes: AuthorizationAttributes) => boolean

const values = (header: string | string[] | undefined): string[] =>
  header === undefined
    ? []
    : (Array.isArray(header) ? header : header.split(',')).map((v) => v.trim())

/**
 * kube-apiserver's impersonation filter (`k8s.io/apiserver/pkg/endpoints/filters/impersonation.go`):
 * `Impersonate-User`, `-Group`, `-Uid` and `-Extra-*` headers switch the request's user after
 * each requested attribute was authorized with the `impersonate` verb (users/groups/serviceaccounts
 * in the core group, uids/userextras in authentication.k8s.io). The new user is in
 * system:authenticated; it does not inherit the groups the impersonated user would have.
 */
export function impersonate(
  user: UserInfo,
  headers: IncomingHttpHeaders,
  allowed: Check,
): UserInfo {
  const username = values(headers['impersonate-user'])[0]
  const groups = values(headers['impersonate-group'])
  const uid = values(headers['impersonate-uid'])[0]
  const extras = Object.keys(headers).filter((h) => h.startsWith('impersonate-extra-'))
  if (username === undefined) {
    if (groups.length || uid !== undefined || extras.length) {
      throw badRequest(`requested ${JSON.stringify({ groups, uid })} without impersonating a user`)
    }
    return user
  }
  const require = (attributes: Omit<AuthorizationAttributes, 'verb'>) => {
    if (!allowed(user, { verb: 'impersonate', ...attributes })) {
      throw forbidden(
        user.username,
        'impersonate',
        attributes.group ?? '',
        attributes.resource ?? '',
        attributes.namespace,
        attributes.name,
      )
    }
  }
  const serviceAccount = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username)
  if (serviceAccount) {
    require({
      group: '',
      resource: 'serviceaccounts',
      namespace: serviceAccount[1],
      name: serviceAccount[2],
    })
  } else {
    require({ group: '', resource: 'users', name: username })
  }
  for (const group of groups) require({ group: '', resource: 'groups', name: group })
  if (uid !== undefined) require({ group: 'authentication.k8s.io', resource: 'uids', name: uid })
  for (const header of extras) {
    const key = decodeURIComponent(header.slice('impersonate-extra-'.length))
    for (const value of values(headers[header]))
      require({
        group: 'authentication.k8s.io',
        resource: 'userextras',
        subresource: key,
        name: value,
      })
  }
  const impliedGroups = serviceAccount
    ? ['system:serviceaccounts', `system:serviceaccounts:${serviceAccount[1]}`]
    : []
  const all = [...groups, ...impliedGroups]
  if (username !== 'system:anonymous' && !all.includes('system:authenticated'))
    all.push('system:authenticated')
  return { username, uid: uid ?? '', groups: all }
}
