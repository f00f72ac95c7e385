import { describe, expect, it } from 'vitest'
import { formatPermissionCheck, parsePermissionCheck, vmActionPermission } from './permissions.ts'

describe('permission check syntax', () => {
  it('round-trips a subresource check with namespace and name', () => {
    const check = {
      verb: 'update',
      group: 'subresources.kubevirt.io',
      resource: 'virtualmachines',
      subresource: 'start',
      namespace: 'prod',
      name: 'web-01',
    }
    const text = formatPermissionCheck(check)
    expect(text).toBe('update:virtualmachines.subresources.kubevirt.io/start:prod:web-01')
    expect(parsePermissionCheck(text)).toEqual(check)
  })

  it('reads core, cluster-scoped checks', () => {
    expect(parsePermissionCheck('patch:nodes')).toEqual({ verb: 'patch', resource: 'nodes' })
  })

  it('refuses malformed checks', () => {
    for (const bad of ['', 'update', 'UPDATE:vms', 'get:pods:../x', 'get:pods:ns:a b', 'get:pods/'])
      expect(parsePermissionCheck(bad)).toBeUndefined()
  })

  it('maps UI actions to KubeVirt RBAC names', () => {
    expect(formatPermissionCheck(vmActionPermission('force-stop', 'dev'))).toBe(
      'update:virtualmachines.subresources.kubevirt.io/stop:dev',
    )
    expect(formatPermissionCheck(vmActionPermission('vnc', 'dev'))).toBe(
      'get:virtualmachineinstances.subresources.kubevirt.io/vnc:dev',
    )
  })
})
