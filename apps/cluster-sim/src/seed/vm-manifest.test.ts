import { describe, expect, it } from 'vitest'
import { vmManifest } from './vm-manifest.ts'

interface Template {
  metadata: { labels: Record<string, string> }
  spec: {
    domain: {
      cpu?: unknown
      memory?: unknown
      devices: { disks: { name: string }[]; interfaces: { name: string }[] }
    }
    networks: { name: string; multus?: { networkName: string } }[]
    volumes: Record<string, unknown>[]
    evictionStrategy?: string
    startStrategy?: string
  }
}
const specOf = (vm: ReturnType<typeof vmManifest>) =>
  vm.spec as { runStrategy: string; instancetype?: { name: string }; template: Template }

describe('vmManifest', () => {
  it('writes a small VM as users do: 1 core, 128Mi, a containerDisk, the pod network', () => {
    const spec = specOf(vmManifest({ namespace: 'prod', name: 'web-01' }))
    expect(spec.runStrategy).toBe('Always')
    expect(spec.template.metadata.labels).toEqual({ 'kubevirt.io/domain': 'web-01' })
    expect(spec.template.spec.domain).toMatchObject({
      cpu: { cores: 1 },
      memory: { guest: '128Mi' },
    })
    expect(spec.template.spec.domain.devices.disks.map((d) => d.name)).toEqual(['rootdisk'])
    expect(spec.template.spec.volumes).toEqual([
      { name: 'rootdisk', containerDisk: { image: 'quay.io/containerdisks/fedora:41' } },
    ])
    expect(spec.template.spec.networks).toEqual([{ name: 'default', pod: {} }])
    expect(spec.template.spec.evictionStrategy).toBe('LiveMigrate')
  })

  it('leaves the size to an instancetype, and adds cloud-init, bridges and another root disk', () => {
    const spec = specOf(
      vmManifest({
        namespace: 'prod',
        name: 'cache-01',
        instancetype: 'u1.small',
        cloudInit: true,
        bridges: [{ name: 'vlan100', networkName: 'vlan100-net' }],
        rootVolume: { dataVolume: { name: 'cache-01-root' } },
        template: { startStrategy: 'Paused' },
      }),
    )
    expect(spec.instancetype).toEqual({
      kind: 'VirtualMachineClusterInstancetype',
      name: 'u1.small',
    })
    expect(spec.template.spec.domain.cpu).toBeUndefined()
    expect(spec.template.spec.domain.memory).toBeUndefined()
    expect(spec.template.spec.domain.devices.disks.map((d) => d.name)).toEqual([
      'rootdisk',
      'cloudinit',
    ])
    expect(spec.template.spec.volumes[0]).toEqual({
      name: 'rootdisk',
      dataVolume: { name: 'cache-01-root' },
    })
    expect(spec.template.spec.domain.devices.interfaces.map((i) => i.name)).toEqual([
      'default',
      'vlan100',
    ])
    expect(spec.template.spec.networks[1]).toEqual({
      name: 'vlan100',
      multus: { networkName: 'vlan100-net' },
    })
    expect(spec.template.spec.startStrategy).toBe('Paused')
  })

  it('gives every VM parts of its own', () => {
    const first = specOf(vmManifest({ namespace: 'a', name: 'one' }))
    first.template.spec.domain.devices.disks[0]!.name = 'changed'
    const second = specOf(vmManifest({ namespace: 'a', name: 'two' }))
    expect(second.template.spec.domain.devices.disks[0]!.name).toBe('rootdisk')
  })
})
