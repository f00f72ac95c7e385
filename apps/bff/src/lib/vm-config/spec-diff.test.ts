import { describe, expect, it } from 'vitest'
import { specDiff } from './spec-diff.ts'

const vm = (disks: object[], labels: Record<string, string> = {}) => ({
  metadata: { labels, resourceVersion: '1', managedFields: [{}] },
  spec: { template: { spec: { domain: { devices: { disks } } } } },
  status: { printableStatus: 'Running' },
})

describe('specDiff', () => {
  it('matches named lists by name: removing the first disk is one removal', () => {
    const a = { name: 'a', disk: { bus: 'virtio' } }
    const b = { name: 'b', disk: { bus: 'virtio' } }
    expect(specDiff(vm([a, b]), vm([b]))).toEqual([
      { path: 'spec.template.spec.domain.devices.disks[a]', before: a },
    ])
  })

  it('reports changed leaves, added labels, and ignores status and bookkeeping', () => {
    const before = vm([{ name: 'a', disk: { bus: 'virtio' } }])
    const after = { ...vm([{ name: 'a', disk: { bus: 'sata' } }], { team: 'blue' }), status: {} }
    after.metadata.resourceVersion = '2'
    expect(specDiff(before, after)).toEqual([
      { path: 'metadata.labels.team', after: 'blue' },
      {
        path: 'spec.template.spec.domain.devices.disks[a].disk.bus',
        before: 'virtio',
        after: 'sata',
      },
    ])
  })

  it('finds nothing to change between equal VMs', () => {
    expect(specDiff(vm([{ name: 'a' }]), vm([{ name: 'a' }]))).toEqual([])
  })
})
