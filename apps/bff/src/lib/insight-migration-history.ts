import type { MigrationPairStats, VmMigration } from '@vmdeck/shared'

const seconds = (m: VmMigration): number | undefined => {
  if (!m.startedAt || !m.endedAt) return undefined
  const span = (Date.parse(m.endedAt) - Date.parse(m.startedAt)) / 1000
  return Number.isFinite(span) && span >= 0 ? span : undefined
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? sorted[middle]
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/**
 * Recent migrations grouped by source and target node: how many, how they ended, how long the
 * finished ones took. "Recent" is what the cluster still keeps: KubeVirt garbage-collects
 * finished migration objects beyond a few per VMI.
 */
export function migrationPairs(migrations: Iterable<VmMigration>): MigrationPairStats[] {
  const pairs = new Map<string, { stats: MigrationPairStats; durations: number[] }>()
  for (const m of migrations) {
    if (!m.sourceNode || !m.targetNode) continue
    const key = `${m.sourceNode}\u0000${m.targetNode}`
    let entry = pairs.get(key)
    if (!entry) {
      entry = {
        stats: {
          sourceNode: m.sourceNode,
          targetNode: m.targetNode,
          total: 0,
          succeeded: 0,
          failed: 0,
          running: 0,
        },
        durations: [],
      }
      pairs.set(key, entry)
    }
    const { stats, durations } = entry
    stats.total++
    if (m.phase === 'Succeeded') stats.succeeded++
    else if (m.phase === 'Failed') stats.failed++
    else if (m.active) stats.running++
    const span = m.active ? undefined : seconds(m)
    if (span !== undefined) durations.push(span)
    if (m.endedAt && (!stats.lastEndedAt || m.endedAt > stats.lastEndedAt))
      stats.lastEndedAt = m.endedAt
  }
  return [...pairs.values()]
    .map(({ stats, durations }) => {
      const middle = median(durations)
      return {
        ...stats,
        ...(middle !== undefined ? { medianSeconds: middle } : {}),
        ...(durations.length ? { longestSeconds: Math.max(...durations) } : {}),
      }
    })
    .sort(
      (a, b) =>
        a.sourceNode.localeCompare(b.sourceNode) || a.targetNode.localeCompare(b.targetNode),
    )
}
