import {
  Card,
  CardBody,
  CardTitle,
  Gallery,
  Progress,
  Skeleton,
  Content,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { VmMetricValue } from '@vmdeck/shared'
import { Link } from 'react-router'
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { metricsQueries } from '../api/metrics-queries.ts'
import { formatBytes } from '../../../lib/format.ts'
import { formatValue } from '../lib/format.ts'
import { palette } from './metric-chart.tsx'
import { MetricsUnavailable } from './metrics-unavailable.tsx'

function TopList({ items, unit }: { items: VmMetricValue[]; unit: 'percent' | 'bytes' }) {
  if (items.length === 0) return <Content component="small">No running VMs with data yet.</Content>
  const max = Math.max(...items.map((i) => i.value), unit === 'percent' ? 100 : 1)
  return (
    <ol className="vmdeck-top-list" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {items.map((item) => (
        <li key={`${item.namespace}/${item.name}`} style={{ marginBottom: 8 }}>
          <Progress
            value={(item.value / max) * 100}
            title={
              <Link to={`/vms/${item.namespace}/${item.name}/metrics`}>
                {item.namespace}/{item.name}
              </Link>
            }
            label={formatValue(item.value, unit)}
            valueText={formatValue(item.value, unit)}
            aria-label={`${item.namespace}/${item.name}: ${formatValue(item.value, unit)}`}
            size="sm"
          />
        </li>
      ))}
    </ol>
  )
}

/**
 * The Overview page's charts: VMs by status, the busiest VMs, node utilization and the live
 * migrations under way, for what the user may see.
 */
export function OverviewMetrics({ cluster }: { cluster: string }) {
  const query = useQuery(metricsQueries.fleet(cluster))
  if (query.isPending) return <Skeleton height="200px" screenreaderText="Loading metrics" />
  if (query.error && !query.data) return <MetricsUnavailable error={query.error} />
  const fleet = query.data
  const counts = [...fleet.vmCounts].sort((a, b) => b.count - a.count)
  const metricsOk = fleet.prometheus.state === 'ok'
  return (
    <>
      {!metricsOk && <MetricsUnavailable status={fleet.prometheus} />}
      <Gallery hasGutter minWidths={{ default: '100%', md: '360px' }} style={{ marginTop: 16 }}>
        <Card isCompact>
          <CardTitle>VMs by status</CardTitle>
          <CardBody>
            <figure
              aria-label="VMs by status chart"
              data-points={counts.length}
              style={{ margin: 0, height: 200 }}
            >
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={counts} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="status" fontSize={12} interval={0} />
                  <YAxis allowDecimals={false} width={32} fontSize={12} />
                  <Tooltip />
                  <Bar dataKey="count" name="VMs" fill={palette[0]} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </figure>
          </CardBody>
        </Card>
        {metricsOk && (
          <>
            <Card isCompact>
              <CardTitle>Top VMs by CPU</CardTitle>
              <CardBody>
                <TopList items={fleet.topCpu} unit="percent" />
              </CardBody>
            </Card>
            <Card isCompact>
              <CardTitle>Top VMs by memory</CardTitle>
              <CardBody>
                <TopList items={fleet.topMemory} unit="bytes" />
              </CardBody>
            </Card>
            {fleet.nodes && (
              <Card isCompact>
                <CardTitle>Node utilization</CardTitle>
                <CardBody>
                  <figure
                    aria-label="Node utilization chart"
                    data-points={fleet.nodes.length}
                    style={{ margin: 0, height: 200 }}
                  >
                    <ResponsiveContainer width="100%" height="100%">
                      <BarChart
                        data={fleet.nodes}
                        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
                      >
                        <CartesianGrid strokeDasharray="3 3" vertical={false} />
                        <XAxis dataKey="node" fontSize={12} />
                        <YAxis domain={[0, 100]} unit=" %" width={48} fontSize={12} />
                        <Tooltip
                          formatter={(v) =>
                            formatValue(typeof v === 'number' ? v : null, 'percent')
                          }
                        />
                        <Legend />
                        <Bar dataKey="cpu" name="CPU" fill={palette[0]} isAnimationActive={false} />
                        <Bar
                          dataKey="memory"
                          name="Memory"
                          fill={palette[1]}
                          isAnimationActive={false}
                        />
                      </BarChart>
                    </ResponsiveContainer>
                  </figure>
                </CardBody>
              </Card>
            )}
            <Card isCompact>
              <CardTitle>Active migrations</CardTitle>
              <CardBody>
                {fleet.migrations.length === 0 ? (
                  <Content component="small">No live migration is under way.</Content>
                ) : (
                  fleet.migrations.map((m) => {
                    const total = m.processedBytes + m.remainingBytes
                    return (
                      <Progress
                        key={`${m.namespace}/${m.name}`}
                        value={total ? (m.processedBytes / total) * 100 : 0}
                        title={
                          <Link to={`/vms/${m.namespace}/${m.name}/migrations`}>
                            {m.namespace}/{m.name}
                            {m.node ? ` from ${m.node}` : ''}
                          </Link>
                        }
                        label={`${formatBytes(m.processedBytes)} sent, ${formatBytes(m.remainingBytes)} left`}
                        size="sm"
                      />
                    )
                  })
                )}
              </CardBody>
            </Card>
          </>
        )}
      </Gallery>
    </>
  )
}
