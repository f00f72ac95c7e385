import type { KObject } from '../kube/types.ts'
import { clusterRole, clusterRoleBinding, readVerbs } from './rbac-objects.ts'

/**
 * The groups of the demo's OpenID provider (apps/idp) as kube-apiserver names them: its
 * authentication configuration prefixes the provider's groups with `oidc:`, so no group the
 * provider asserts can be one of the cluster's own (docs/SSO.md).
 */
export const SSO_GROUPS = {
  admins: 'oidc:vmdeck-admins',
  helpdesk: 'oidc:helpdesk',
  auditors: 'oidc:auditors',
} as const

/**
 * The demo users' rights (the README's table under "How identity and RBAC work"), bound to the
 * token users by name (so `--as <user>` gets them too) and to the single sign-on groups that
 * grant the same.
 */
export function demoBindings(): KObject[] {
  return [
    clusterRoleBinding('vmdeck:admin', 'cluster-admin', [
      'User:admin',
      `Group:${SSO_GROUPS.admins}`,
    ]),
    clusterRoleBinding('vmdeck:admin-migrate', 'kubevirt.io:migrate', [
      'User:admin',
      `Group:${SSO_GROUPS.admins}`,
    ]),
    clusterRole('vmdeck:helpdesk', [
      {
        apiGroups: ['kubevirt.io'],
        resources: ['virtualmachines', 'virtualmachineinstances'],
        verbs: readVerbs,
      },
      {
        apiGroups: ['subresources.kubevirt.io'],
        resources: ['virtualmachineinstances/vnc', 'virtualmachineinstances/console'],
        verbs: ['get'],
      },
      {
        apiGroups: ['subresources.kubevirt.io'],
        resources: ['virtualmachines/restart', 'virtualmachineinstances/softreboot'],
        verbs: ['update'],
      },
    ]),
    clusterRoleBinding('vmdeck:helpdesk', 'vmdeck:helpdesk', [
      'User:helpdesk',
      `Group:${SSO_GROUPS.helpdesk}`,
    ]),
    clusterRoleBinding('vmdeck:viewer', 'kubevirt.io:view', [
      'User:viewer',
      `Group:${SSO_GROUPS.auditors}`,
    ]),
  ]
}
