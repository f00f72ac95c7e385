import { describe, expect, it } from 'vitest'
import type { VirtualMachine, VirtualMachineInstance } from '../types.ts'
import { toVmSummary } from './vm-summary.ts'

const vm: VirtualMachine = {
  metadata: {
    name: 'web-01',
    namespace: 'prod',
    uid: 'u1',
    creationTimestamp: new Date('2026-01-02T03:04:05.678Z'),
    labels: { app: 'web' },
  },
  spec: {
    running: true,
    template: {
      spec: {
        domain: { cpu: { cores: 2, sockets: 2 }, resources: { requests: { memory: '2Gi' } } },
      },
    },
  },
  status: { printableStatus: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
}

const vmi: VirtualMachineInstance = {
  status: {
    nodeName: 'node-2',
    interfaces: [
      { ipAddress: '10.0.0.5', ipAddresses: ['10.0.0.5', 'fd00::5'] },
      { ipAddress: '10.0.0.5' },
    ],
    guestOSInfo: { name: 'Fedora', prettyName: 'Fedora Linux 41' },
    conditions: [
      { type: 'AgentConnected', status: 'True' },
      { type: 'LiveMigratable', status: 'False' },
    ],
    migrationState: { startTimestamp: '2026-01-02T04:00:00Z' },
  },
}

describe('toVmSummary', () => {
  it('reads a running VM and its VMI into one row', () => {
    expect(toVmSummary(vm, vmi)).toEqual({
      namespace: 'prod',
      name: 'web-01',
      uid: 'u1',
      status: 'Running',
      ready: true,
      runStrategy: 'Always',
      node: 'node-2',
      ips: ['10.0.0.5', 'fd00::5'],
      os: 'Fedora Linux 41',
      cpus: 4,
      memory: '2Gi',
      createdAt: '2026-01-02T03:04:05Z',
      labels: { app: 'web' },
      flags: { paused: false, migrating: true, agentConnected: true, liveMigratable: false },
    })
  })

  it('answers Unknown for a status the schema does not know, and leaves out what is absent', () => {
    const summary = toVmSummary({
      metadata: { name: 'x' },
      status: { printableStatus: 'Exploded' },
    })
    expect(summary.status).toBe('Unknown')
    expect(summary).not.toHaveProperty('runStrategy')
    expect(summary).not.toHaveProperty('node')
    expect(summary).not.toHaveProperty('cpus')
    expect(summary.flags).toEqual({ paused: false, migrating: false, agentConnected: false })
  })

  it('shows a VM being deleted as Terminating before virt-controller says so', () => {
    const deleting = { ...vm, metadata: { ...vm.metadata, deletionTimestamp: new Date() } }
    expect(toVmSummary(deleting, vmi).status).toBe('Terminating')
  })

  it('dates a pause by the Paused condition’s last transition', () => {
    const paused = (status: string) =>
      toVmSummary(vm, {
        status: {
          conditions: [
            { type: 'Paused', status, lastTransitionTime: new Date('2026-03-01T10:00:00.5Z') },
          ],
        },
      }).flags
    expect(paused('True')).toEqual(
      expect.objectContaining({ paused: true, pausedSince: '2026-03-01T10:00:00Z' }),
    )
    expect(paused('False')).not.toHaveProperty('pausedSince')
  })

  it('prefers runStrategy over running, and reads running: false as Halted', () => {
    expect(
      toVmSummary({ spec: { runStrategy: 'RerunOnFailure', running: true } }).runStrategy,
    ).toBe('RerunOnFailure')
    expect(toVmSummary({ spec: { running: false } }).runStrategy).toBe('Halted')
  })
})
