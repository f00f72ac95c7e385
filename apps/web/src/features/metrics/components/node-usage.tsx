import { Skeleton } from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import { metricsQueries } from '../api/metrics-queries.ts'
import { formatValue } from '../lib/format.ts'
import { timeDomain } from '../lib/time-domain.ts'
import { Sparkline } from './sparkline.tsx'

const latest = (points: [number, number | null][]) =>
  [...points].reverse().find(([, v]) => v !== null)?.[1] ?? null

const looks = {
  cpu: { label: 'CPU', color: '#0066cc' },
  memory: { label: 'Memory', color: '#4cb140' },
} as const

/**
 * A node's CPU or memory utilization over the last 15 minutes, for a cell of the Nodes table: a
 * sparkline and the latest value. Every cell shares one query for all nodes.
 */
export function NodeUsage({
  cluster,
  node,
  metric,
}: {
  cluster: string
  node: string
  metric: 'cpu' | 'memory'
}) {
  const query = useQuery(metricsQueries.nodes(cluster, '15m'))
  const { label, color } = looks[metric]
  if (query.isPending) return <Skeleton width="120px" screenreaderText={`Loading ${label}`} />
  if (query.error && !query.data) return <span title={query.error.message}>—</span>
  const matrix = query.data[metric]
  const series = matrix.series.find((s) => s.name === node)
  if (!series) return <span className="vmdeck-muted">no data</span>
  // Every row starts where the nodes' data starts (at most 15 minutes ago, at least 5).
  const [from] = timeDomain(matrix)
  return (
    <span className="vmdeck-node-usage">
      <Sparkline
        series={series}
        label={`${label} of ${node}`}
        color={color}
        max={100}
        from={from}
        width={80}
      />
      <span>{formatValue(latest(series.points), 'percent')}</span>
    </span>
  )
}
