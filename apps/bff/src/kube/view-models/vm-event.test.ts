import { describe, expect, it } from 'vitest'
import { toVmEvent } from './vm-event.ts'

describe('toVmEvent', () => {
  it('reads core/v1 events', () => {
    expect(
      toVmEvent({
        involvedObject: { kind: 'VirtualMachine', name: 'web-01' },
        type: 'Warning',
        reason: 'FailedCreate',
        message: 'no room',
        count: 3,
        firstTimestamp: '2026-01-01T00:00:00Z',
        lastTimestamp: new Date('2026-01-01T00:05:00.250Z'),
        source: { component: 'virt-controller' },
      }),
    ).toEqual({
      type: 'Warning',
      reason: 'FailedCreate',
      message: 'no room',
      object: 'VirtualMachine/web-01',
      count: 3,
      firstSeen: '2026-01-01T00:00:00Z',
      lastSeen: '2026-01-01T00:05:00Z',
      source: 'virt-controller',
    })
  })

  it('falls back to events.k8s.io/v1 fields', () => {
    expect(
      toVmEvent({
        regarding: { kind: 'Pod', name: 'virt-launcher-web-01-abcde' },
        note: 'Started',
        eventTime: '2026-01-01T00:00:00Z',
        reportingController: 'kubelet',
      }),
    ).toEqual({
      type: 'Normal',
      reason: '',
      message: 'Started',
      object: 'Pod/virt-launcher-web-01-abcde',
      count: 1,
      lastSeen: '2026-01-01T00:00:00Z',
      source: 'kubelet',
    })
  })
})
