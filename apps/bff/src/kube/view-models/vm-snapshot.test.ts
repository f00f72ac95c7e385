import { describe, expect, it } from 'vitest'
import { toVmSnapshot } from './vm-snapshot.ts'

describe('toVmSnapshot', () => {
  const snapshot = {
    metadata: { name: 's1', namespace: 'prod', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { source: { kind: 'VirtualMachine', name: 'web-01' } },
    status: {
      phase: 'Succeeded',
      readyToUse: true,
      indications: ['Online'],
      sourceIndications: [{ indication: 'Online' }, { indication: 'NoGuestAgent' }],
    },
  }

  it('reads phase and indications, and joins the latest restore with its failure', () => {
    const restores = [
      {
        metadata: { name: 'r-old', creationTimestamp: '2026-01-02T00:00:00Z' },
        spec: { virtualMachineSnapshotName: 's1' },
        status: { complete: true },
      },
      {
        metadata: { name: 'r-new', creationTimestamp: '2026-01-03T00:00:00Z' },
        spec: { virtualMachineSnapshotName: 's1' },
        status: {
          complete: false,
          conditions: [{ type: 'Failure', status: 'True', message: 'disk busy' }],
        },
      },
      {
        metadata: { name: 'other', creationTimestamp: '2026-01-04T00:00:00Z' },
        spec: { virtualMachineSnapshotName: 's2' },
      },
    ]
    expect(toVmSnapshot(snapshot, restores)).toEqual({
      namespace: 'prod',
      name: 's1',
      vmName: 'web-01',
      phase: 'Succeeded',
      readyToUse: true,
      createdAt: '2026-01-01T00:00:00Z',
      indications: ['Online', 'NoGuestAgent'],
      restore: { name: 'r-new', complete: false, error: 'disk busy' },
    })
  })

  it('takes no phase as InProgress and an unknown one as Unknown', () => {
    expect(toVmSnapshot({}).phase).toBe('InProgress')
    expect(toVmSnapshot({ status: { phase: 'Weird' } }).phase).toBe('Unknown')
  })
})
