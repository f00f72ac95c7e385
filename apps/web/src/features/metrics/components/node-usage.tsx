import { Progress, Skeleton } from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { MetricSeries } from '@vmdeck/shared'
import { formatBytes, formatCores } from '../../../lib/format.ts'
import { metricsQueries } from '../api/metrics-queries.ts'
import { formatValue } from '../lib/format.ts'
import { timeDomain } from '../lib/time-domain.ts'
import { Sparkline } from './sparkline.tsx'

const latest = (points: [number, number | null][]) =>
  [...points].reverse().find(([, v]) => v !== null)?.[1] ?? null

const looks = {
  cpu: { label: 'CPU', color: '#0066cc', amount: (n: number) => `${formatCores(n)} cores` },
  memory: { label: 'Memory', color: '#4cb140', amount: formatBytes },
} as const

/**
 * A utilization series (a share of the whole machine, as node-exporter measures it) as a share
 * of what the node can allocate to pods: the same use is a larger share of less.
 */
function ofAllocatable(series: MetricSeries, capacity: number, allocatable: number): MetricSeries {
  const scale = allocatable > 0 && capacity > 0 ? capacity / allocatable : 1
  return {
    ...series,
    points: series.points.map(([t, v]) => [t, v === null ? null : v * scale]),
  }
}

/**
 * What a node uses of its CPU or memory, for a cell of the Nodes table: a bar of the share of
 * its allocatable amount in use now, that share, and the last 15 minutes as a sparkline. Every
 * cell shares one query for all nodes.
 */
export function NodeUsage({
  cluster,
  node,
  metric,
  capacity,
  allocatable,
}: {
  cluster: string
  node: string
  metric: 'cpu' | 'memory'
  /** The machine's amount (cores or bytes), which utilization is a share of. */
  capacity: number
  /** What pods may use of it. */
  allocatable: number
}) {
  const query = useQuery(metricsQueries.nodes(cluster, '15m'))
  const { label, color, amount } = looks[metric]
  if (query.isPending) return <Skeleton width="120px" screenreaderText={`Loading ${label}`} />
  if (query.error && !query.data) return <span title={query.error.message}>—</span>
  const matrix = query.data[metric]
  const raw = matrix.series.find((s) => s.name === node)
  if (!raw) return <span className="vmdeck-muted">no data</span>
  const series = ofAllocatable(raw, capacity, allocatable)
  const now = latest(series.points)
  const inUse =
    now === null
      ? 'no data'
      : `${amount((now / 100) * allocatable)} of ${amount(allocatable)} in use`
  // Every row starts where the nodes' data starts (at most 15 minutes ago, at least 5).
  const [from] = timeDomain(matrix)
  return (
    <span className="vmdeck-node-usage">
      <Progress
        value={now === null ? 0 : Math.min(100, now)}
        measureLocation="none"
        size="sm"
        aria-label={`${label} used on ${node}`}
        valueText={inUse}
        style={{ minWidth: 80 }}
      />
      <span className="vmdeck-node-usage__figure" title={inUse}>
        {formatValue(now, 'percent')}
      </span>
      <Sparkline
        series={series}
        label={`${label} of ${node}`}
        color={color}
        max={100}
        from={from}
        width={80}
      />
    </span>
  )
}
