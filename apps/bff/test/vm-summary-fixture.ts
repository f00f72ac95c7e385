import type { VmSummary } from '@vmdeck/shared'

/** A stopped VM's list row in `prod`, with the given fields instead. */
export function summary(over: Partial<VmSummary> & Pick<VmSummary, 'name'>): VmSummary {
  return {
    namespace: 'prod',
    uid: `uid-${over.name}`,
    status: 'Stopped',
    ready: false,
    ips: [],
    createdAt: '2026-01-01T00:00:00Z',
    labels: {},
    flags: { paused: false, migrating: false, agentConnected: false },
    ...over,
  }
}
