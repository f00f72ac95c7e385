import { describe, expect, it } from 'vitest'
import {
  initialWizardState,
  toCreateForm,
  wizardProblems,
  type WizardState,
} from './wizard-model.ts'

const state = (patch: Partial<WizardState>): WizardState => ({
  ...initialWizardState('dev'),
  name: 'web-03',
  ...patch,
})

describe('wizard validation, from the API contract', () => {
  it('accepts every Kubernetes quantity suffix the API accepts', () => {
    for (const memory of ['2Gi', '512Mi', '1Pi', '1Ei', '500k', '2G', '1.5Gi', '1073741824'])
      expect(wizardProblems(state({ size: 'custom', memory })).size, memory).toEqual({})
    for (const diskSize of ['30Gi', '1Ti', '2Pi'])
      expect(
        wizardProblems(state({ source: 'url', url: 'https://x/y.img', diskSize })).source,
      ).toEqual({})
  })

  it('rejects what the API would refuse', () => {
    for (const memory of ['2GB', '2 Gi', 'Gi', '-1Gi', '2gi'])
      expect(wizardProblems(state({ size: 'custom', memory })).size, memory).toHaveProperty(
        'memory',
      )
    expect(wizardProblems(state({ size: 'custom', cpus: 0 })).size).toHaveProperty('cpus')
    expect(wizardProblems(state({ size: 'custom', cpus: 257 })).size).toHaveProperty('cpus')
    expect(wizardProblems(state({ size: 'custom', cpus: 1.5 })).size).toHaveProperty('cpus')
    expect(wizardProblems(state({ source: 'image', image: '-bad' })).source).toHaveProperty('image')
    expect(wizardProblems(state({ source: 'url', url: 'ftp://x' })).source).toHaveProperty('url')
    expect(wizardProblems(state({ source: 'pvc', pvcName: 'Disk' })).source).toHaveProperty(
      'pvcName',
    )
    expect(wizardProblems(state({ multus: ['ns/vlan-10', 'a/b/c'] })).networks).toEqual({
      'multus-1': 'A NetworkAttachmentDefinition: name or namespace/name.',
    })
    expect(wizardProblems(state({ user: 'Root' })).cloudInit).toHaveProperty('user')
    expect(wizardProblems(state({ password: 'a\u0007b' })).cloudInit).toHaveProperty('password')
    expect(wizardProblems(state({ password: 'x'.repeat(257) })).cloudInit).toHaveProperty(
      'password',
    )
    expect(wizardProblems(state({ auth: 'ssh', sshKey: 'not a key' })).cloudInit).toHaveProperty(
      'sshKey',
    )
  })

  it('accepts a volume claim name with dots and an SSH key with a comment', () => {
    expect(wizardProblems(state({ source: 'pvc', pvcName: 'images.fedora-41' })).source).toEqual({})
    expect(
      wizardProblems(state({ auth: 'ssh', sshKey: ' ssh-ed25519 AAAAC3Nza me@host ' })).cloudInit,
    ).toEqual({})
  })

  it('turns the answers into the create form the BFF takes', () => {
    expect(
      toCreateForm(
        state({
          source: 'pvc',
          pvcName: ' images ',
          pvcNamespace: 'golden',
          size: 'custom',
          cpus: 2,
          memory: '1Pi',
          multus: [' vlan-10 '],
          auth: 'ssh',
          sshKey: 'ssh-ed25519 AAAA me@host',
        }),
      ),
    ).toEqual({
      name: 'web-03',
      namespace: 'dev',
      compute: { kind: 'custom', cpus: 2, memory: '1Pi' },
      bootSource: { type: 'pvc', name: 'images', size: '30Gi', namespace: 'golden' },
      networks: [
        { name: 'default', type: 'pod' },
        { name: 'net1', type: 'multus', networkName: 'vlan-10' },
      ],
      cloudInit: { user: 'fedora', sshAuthorizedKeys: ['ssh-ed25519 AAAA me@host'] },
      startNow: true,
    })
  })
})
