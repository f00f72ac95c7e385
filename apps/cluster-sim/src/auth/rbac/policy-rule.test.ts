import { describe, expect, it } from 'vitest'
import { ruleAllows, type PolicyRule } from './policy-rule.ts'

describe('RBAC rule evaluation', () => {
  const rule = (r: Partial<PolicyRule>): PolicyRule => ({ verbs: ['get'], ...r })

  it('matches group, resource and verb, each with the * wildcard', () => {
    const vms = rule({ apiGroups: ['kubevirt.io'], resources: ['virtualmachines'] })
    expect(
      ruleAllows({ verb: 'get', group: 'kubevirt.io', resource: 'virtualmachines' }, vms),
    ).toBe(true)
    expect(
      ruleAllows({ verb: 'list', group: 'kubevirt.io', resource: 'virtualmachines' }, vms),
    ).toBe(false)
    expect(ruleAllows({ verb: 'get', group: '', resource: 'virtualmachines' }, vms)).toBe(false)
    const all = rule({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] })
    expect(
      ruleAllows({ verb: 'delete', group: 'x.io', resource: 'y', subresource: 'z' }, all),
    ).toBe(true)
  })

  it('treats a subresource as `resource/sub`, and `*/sub` as that subresource of anything', () => {
    const vnc = rule({
      apiGroups: ['subresources.kubevirt.io'],
      resources: ['virtualmachineinstances/vnc'],
    })
    const attrs = {
      verb: 'get',
      group: 'subresources.kubevirt.io',
      resource: 'virtualmachineinstances',
    }
    expect(ruleAllows({ ...attrs, subresource: 'vnc' }, vnc)).toBe(true)
    expect(ruleAllows({ ...attrs, subresource: 'vnc/screenshot' }, vnc)).toBe(false)
    expect(ruleAllows(attrs, vnc)).toBe(false)
    const scale = rule({ apiGroups: ['*'], resources: ['*/scale'] })
    expect(
      ruleAllows(
        { verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale' },
        scale,
      ),
    ).toBe(true)
    expect(ruleAllows({ verb: 'get', group: 'apps', resource: 'deployments' }, scale)).toBe(false)
  })

  it('limits by resourceNames, which never match a request without a name', () => {
    const one = rule({ apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] })
    expect(ruleAllows({ verb: 'get', group: '', resource: 'configmaps', name: 'a' }, one)).toBe(
      true,
    )
    expect(ruleAllows({ verb: 'get', group: '', resource: 'configmaps', name: 'b' }, one)).toBe(
      false,
    )
    expect(ruleAllows({ verb: 'get', group: '', resource: 'configmaps' }, one)).toBe(false)
  })

  it('matches non-resource URLs exactly or by a trailing * prefix, never resource requests', () => {
    const urls = rule({ nonResourceURLs: ['/version', '/apis/*'] })
    expect(ruleAllows({ verb: 'get', path: '/version' }, urls)).toBe(true)
    expect(ruleAllows({ verb: 'get', path: '/apis/kubevirt.io/v1' }, urls)).toBe(true)
    expect(ruleAllows({ verb: 'get', path: '/apis' }, urls)).toBe(false)
    expect(ruleAllows({ verb: 'get', group: '', resource: 'pods' }, urls)).toBe(false)
    const resources = rule({ apiGroups: ['*'], resources: ['*'] })
    expect(ruleAllows({ verb: 'get', path: '/version' }, resources)).toBe(false)
  })
})
