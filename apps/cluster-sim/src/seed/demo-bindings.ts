import type { KObject } from '../kube/types.ts'
import { clusterRole, clusterRoleBinding, readVerbs } from './rbac-objects.ts'

/**
 * The demo users' rights (the README's table under "How identity and RBAC work"), bound to the
 * users by name (so `--as <user>` gets them too).
 */
export function demoBindings(): KObject[] {
  return [
    clusterRoleBinding('vmdeck:admin', 'cluster-admin', ['User:admin']),
    clusterRoleBinding('vmdeck:admin-migrate', 'kubevirt.io:migrate', ['User:admin']),
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
    clusterRoleBinding('vmdeck:helpdesk', 'vmdeck:helpdesk', ['User:helpdesk']),
    clusterRoleBinding('vmdeck:viewer', 'kubevirt.io:view', ['User:viewer']),
  ]
}
