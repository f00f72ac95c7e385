import { Skeleton } from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import { metricsQueries } from '../api/metrics-queries.ts'
import { formatValue } from '../lib/format.ts'
import { MetricsUnavailable } from './metrics-unavailable.tsx'
import { Sparkline } from './sparkline.tsx'

const latest = (points: [number, number | null][]) =>
  [...points].reverse().find(([, v]) => v !== null)?.[1] ?? null

/**
 * CPU and memory utilization of the last 15 minutes as sparklines: of one node (for a table cell), or
 * of every node. One query for all nodes, shared by every cell.
 */
export function NodeSparklines({ cluster, node }: { cluster: string; node?: string }) {
  const query = useQuery(metricsQueries.nodes(cluster, '15m'))
  if (query.isPending) return <Skeleton width="240px" screenreaderText="Loading node metrics" />
  if (query.error && !query.data)
    return node ? (
      <span title={query.error.message}>—</span>
    ) : (
      <MetricsUnavailable error={query.error} />
    )
  const names = node ? [node] : query.data.cpu.series.map((s) => s.name).sort()
  return (
    <div className="vmdeck-node-sparklines">
      {names.map((name) => {
        const cpu = query.data.cpu.series.find((s) => s.name === name)
        const memory = query.data.memory.series.find((s) => s.name === name)
        return (
          <div key={name} style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
            {!node && <strong style={{ minWidth: 80 }}>{name}</strong>}
            {cpu ? (
              <>
                <Sparkline series={cpu} label={`CPU of ${name}`} max={100} />
                <span>CPU {formatValue(latest(cpu.points), 'percent')}</span>
              </>
            ) : (
              <span>CPU: no data</span>
            )}
            {memory ? (
              <>
                <Sparkline series={memory} label={`Memory of ${name}`} color="#4cb140" max={100} />
                <span>Memory {formatValue(latest(memory.points), 'percent')}</span>
              </>
            ) : (
              <span>Memory: no data</span>
            )}
          </div>
        )
      })}
    </div>
  )
}
