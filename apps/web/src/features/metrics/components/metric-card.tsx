import { Card, CardBody, CardTitle, Skeleton } from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { MetricRange, VmMetricName } from '@vmdeck/shared'
import { metricsQueries } from '../api/metrics-queries.ts'
import { isEmpty, MetricChart } from './metric-chart.tsx'
import { MetricsUnavailable, NoDataYet } from './metrics-unavailable.tsx'

/** One named metric of a VM as a card: loading, the chart, or why there is none. */
export function VmMetricCard({
  cluster,
  vm,
  metric,
  title,
  range,
  autoRefresh,
}: {
  cluster: string
  vm: { namespace: string; name: string }
  metric: VmMetricName
  title: string
  range: MetricRange
  autoRefresh: boolean
}) {
  const query = useQuery(metricsQueries.vm(cluster, vm, metric, range, autoRefresh))
  return (
    <Card isCompact>
      <CardTitle>{title}</CardTitle>
      <CardBody>
        {query.isPending && <Skeleton height="220px" screenreaderText={`Loading ${title}`} />}
        {query.error && !query.data && <MetricsUnavailable error={query.error} />}
        {query.data &&
          (isEmpty(query.data) ? (
            <NoDataYet what={title} />
          ) : (
            <MetricChart matrix={query.data} title={title} />
          ))}
      </CardBody>
    </Card>
  )
}
