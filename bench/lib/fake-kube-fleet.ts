// The fleet and the users of the fake API server: the same names, namespaces, tiers and share of
// running VMs as the simulator's `--fleet N` (apps/cluster-sim/src/seed/demo-fleet.ts), so a
// bench's queries mean the same on both.

export interface FakeUser {
  name: string
  token: string
  /** Namespaces this user may list VMs in; undefined: every namespace, cluster-wide. */
  namespaces?: readonly string[]
}

export const users: readonly FakeUser[] = [
  { name: 'admin', token: 'fake-admin-token-0123456789' },
  // Namespace-scoped users (the per-namespace access path); all see `prod`, where the benches'
  // timed VM lives.
  { name: 'helpdesk', token: 'fake-helpdesk-token-0123456789', namespaces: ['prod', 'dev'] },
  { name: 'viewer', token: 'fake-viewer-token-0123456789', namespaces: ['prod'] },
]

/** Whether a user may list or get VMs in a namespace (undefined: cluster-wide). */
export function visibleTo(user: FakeUser, namespace: string | undefined): boolean {
  if (!user.namespaces) return true
  return namespace !== undefined && user.namespaces.includes(namespace)
}

export function* scaleNames(count: number) {
  const spread = ['prod', 'dev', 'default']
  const tiers = ['web', 'db', 'ci']
  for (let i = 0; i < count; i++)
    yield {
      namespace: spread[i % spread.length] ?? 'default',
      name: `vm-${String(i).padStart(5, '0')}`,
      running: i % 4 === 0,
      tier: tiers[i % tiers.length] ?? 'web',
      node: `node-${(i % 3) + 1}`,
      folder: scaleFolder(i),
    }
}

/**
 * The folder of the i-th VM when a bench asks for folders (`startFakeKubeApi({ folders: true })`):
 * 10 team folders with 10 app folders each, in every namespace (100,000 VMs: ~333 per app folder,
 * ~3,333 per team folder).
 */
export function scaleFolder(i: number): string {
  const n = Math.floor(i / 3)
  return `team-${n % 10}/app-${Math.floor(n / 10) % 10}`
}
