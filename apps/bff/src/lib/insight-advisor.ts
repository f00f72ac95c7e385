import type { MigrationAdvice, MigrationRemedy, VmMigration } from '@vmdeck/shared'

/** The migration's numbers as Prometheus has them (bytes, bytes per second); absent when unmeasured. */
export interface MigrationSample {
  processed?: number
  remaining?: number
  total?: number
  dirtyRate?: number
  transferRate?: number
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

/**
 * QEMU counts a page dirtied twice between two dirty-bitmap syncs once, and syncs when a pass
 * ends: a guest that dirties memory faster than the link shows a dirty rate equal to the transfer
 * rate (measured over each pass), never far above it. So "as fast as the link" starts a little
 * below: at this share of the transfer rate every pass leaves nearly as much to copy as the last.
 */
export const NOT_CONVERGING_SHARE = 0.9

/** A MigrationPolicy for the VM's namespace: KubeVirt applies it to migrations that start later. */
const policy = (namespace: string, spec: string) =>
  [
    'apiVersion: migrations.kubevirt.io/v1alpha1',
    'kind: MigrationPolicy',
    'metadata:',
    `  name: ${namespace}-migrations`,
    'spec:',
    spec,
    '  selectors:',
    '    namespaceSelector:',
    `      kubernetes.io/metadata.name: ${namespace}`,
  ].join('\n')

const LATER =
  'A policy applies to migrations that start after it exists: cancel this migration and migrate again.'

function remedies(migration: VmMigration, sample: MigrationSample): MigrationRemedy[] {
  const ns = migration.namespace
  const doubled = Math.max(64, Math.ceil(((sample.transferRate ?? 0) * 2) / 2 ** 20))
  return [
    {
      id: 'auto-converge',
      title: 'Auto-converge (MigrationPolicy allowAutoConverge)',
      explanation: `QEMU throttles the guest's vCPUs step by step until it dirties memory slower than the link moves it, so pre-copy finishes. The guest runs slower until the switch-over. ${LATER}`,
      manifest: policy(ns, '  allowAutoConverge: true'),
    },
    {
      id: 'post-copy',
      title: 'Post-copy (MigrationPolicy allowPostCopy)',
      explanation: `When pre-copy does not finish in time, the VM switches to the target and fetches the memory it still lacks on demand: it always finishes, but if the source, the target or the network fails during post-copy the VM is lost. ${LATER}`,
      manifest: policy(ns, '  allowPostCopy: true'),
    },
    {
      id: 'bandwidth',
      title: 'More bandwidth per migration',
      explanation: `If a bandwidth limit is what slows the transfer (bandwidthPerMigration, in a MigrationPolicy or the KubeVirt CR's spec.configuration.migrations), raising it lets the copy outrun the dirty rate — only if the network has room. ${LATER}`,
      manifest: policy(ns, `  bandwidthPerMigration: ${doubled}Mi`),
    },
    {
      id: 'pause',
      title: 'Pause the VM',
      explanation:
        'A paused guest dirties no memory, so the copy finishes on the next pass; unpause it on the target afterwards. The VM does not run (nor answer) while paused. vmdeck pauses it as you, if you may.',
      action: 'pause',
    },
  ]
}

/**
 * Whether a running migration converges: pre-copy finishes only if the link moves memory faster
 * than the guest dirties it. The estimate assumes both rates stay as they are now.
 */
export function adviseMigration(migration: VmMigration, sample: MigrationSample): MigrationAdvice {
  const { processed, remaining, total, dirtyRate, transferRate } = sample
  const numbers = {
    ...(processed !== undefined ? { processedBytes: processed } : {}),
    ...(remaining !== undefined ? { remainingBytes: remaining } : {}),
    ...(total !== undefined ? { totalBytes: total } : {}),
    ...(dirtyRate !== undefined ? { dirtyRate } : {}),
    ...(transferRate !== undefined ? { transferRate } : {}),
  }
  const head = {
    namespace: migration.namespace,
    name: migration.name,
    vmName: migration.vmName,
    active: migration.active,
    measured: remaining !== undefined && transferRate !== undefined,
    ...numbers,
  }
  if (!migration.active)
    return {
      ...head,
      verdict: 'finished',
      reason: `The migration has ended: ${migration.phase}.`,
      remedies: [],
    }
  const all = remedies(migration, sample)
  if (remaining === undefined || transferRate === undefined)
    return {
      ...head,
      verdict: 'unknown',
      reason:
        'Prometheus has no migration metrics for this VM yet: the transfer may not have started, or the node side does not export them.',
      remedies: all,
    }
  if (transferRate <= 0)
    return { ...head, verdict: 'unknown', reason: 'No transfer is measured yet.', remedies: all }
  const dirty = dirtyRate ?? 0
  if (dirty >= transferRate * NOT_CONVERGING_SHARE)
    return {
      ...head,
      verdict: 'not-converging',
      reason: `The guest dirties memory at ${mib(dirty)}/s, about as fast as or faster than the link moves it (${mib(transferRate)}/s): every pass leaves about as much to copy as the last, so pre-copy cannot finish.`,
      remedies: all,
    }
  const etaSeconds = Math.ceil(remaining / (transferRate - dirty))
  return {
    ...head,
    verdict: 'converging',
    etaSeconds,
    reason: `The link moves ${mib(transferRate)}/s and the guest dirties ${mib(dirty)}/s: ${mib(remaining)} left, about ${etaSeconds} s to go at these rates.`,
    remedies: all,
  }
}
