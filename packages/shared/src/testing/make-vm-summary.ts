import type { VmSummary } from '../schemas/vms.ts'

/** A plausible VM summary for tests of every layer; override what the test is about. */
export function makeVmSummary(overrides: Partial<VmSummary> = {}): VmSummary {
  return {
    namespace: 'default',
    name: 'vm-1',
    uid: '00000000-0000-4000-8000-000000000001',
    status: 'Running',
    ready: true,
    node: 'node-1',
    ips: ['10.244.1.10'],
    createdAt: '2026-01-01T00:00:00Z',
    labels: {},
    flags: { paused: false, migrating: false, agentConnected: true },
    ...overrides,
  }
}
