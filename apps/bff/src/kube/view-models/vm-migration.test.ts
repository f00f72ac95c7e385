import { describe, expect, it } from 'vitest'
import { toVmMigration } from './vm-migration.ts'

describe('toVmMigration', () => {
  it('reads phase, nodes, times and a progress by phase', () => {
    expect(
      toVmMigration({
        metadata: { name: 'm1', namespace: 'prod', creationTimestamp: '2026-01-01T00:00:00Z' },
        spec: { vmiName: 'web-01' },
        status: {
          phase: 'Running',
          migrationState: {
            sourceNode: 'n1',
            targetNode: 'n2',
            startTimestamp: '2026-01-01T00:00:01Z',
            mode: 'PreCopy',
          },
        },
      }),
    ).toEqual({
      namespace: 'prod',
      name: 'm1',
      vmName: 'web-01',
      phase: 'Running',
      active: true,
      sourceNode: 'n1',
      targetNode: 'n2',
      createdAt: '2026-01-01T00:00:00Z',
      startedAt: '2026-01-01T00:00:01Z',
      progress: 75,
      abortRequested: false,
      mode: 'PreCopy',
      evacuation: false,
    })
  })

  it('takes no phase as Pending, an unknown one as Unknown, and a failure without progress', () => {
    expect(toVmMigration({}).phase).toBe('Pending')
    expect(toVmMigration({ status: { phase: 'Teleporting' } }).phase).toBe('Unknown')
    const failed = toVmMigration({
      status: { phase: 'Failed', migrationState: { failureReason: 'no room' } },
    })
    expect(failed).toMatchObject({ active: false, failureReason: 'no room' })
    expect(failed).not.toHaveProperty('progress')
  })

  it('tells evacuations (a drain) apart', () => {
    expect(toVmMigration({ metadata: { name: 'kubevirt-evacuation-x1' } }).evacuation).toBe(true)
    expect(
      toVmMigration({ metadata: { annotations: { 'kubevirt.io/evacuationMigration': 'n1' } } })
        .evacuation,
    ).toBe(true)
  })

  it("joins a running migration with its VMI's state, where KubeVirt keeps it until the end", () => {
    const view = toVmMigration(
      {
        metadata: { name: 'm2', uid: 'u2' },
        spec: { vmiName: 'web-02' },
        // virt-controller sets a few fields early; the rest is copied only when final.
        status: { phase: 'TargetReady', migrationState: { sourcePod: 'virt-launcher-web-02-x' } },
      },
      { sourceNode: 'n1', targetNode: 'n3', startTimestamp: '2026-01-01T00:00:02Z' },
    )
    expect(view).toMatchObject({
      sourceNode: 'n1',
      targetNode: 'n3',
      startedAt: '2026-01-01T00:00:02Z',
      progress: 60,
    })
  })
})
