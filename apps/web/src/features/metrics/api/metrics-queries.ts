import { queryOptions } from '@tanstack/react-query'
import type {
  FleetMetricsResponse,
  MetricRange,
  NodeMetricsResponse,
  VmMetricName,
  VmMetricResponse,
} from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'

const clusterPath = (cluster: string) => `/api/v1/clusters/${encodeURIComponent(cluster)}`

/** How often a chart of this range refreshes itself (about one new point per refresh). */
export const refreshMs: Record<MetricRange, number> = {
  '15m': 10_000,
  '1h': 20_000,
  '6h': 60_000,
  '24h': 120_000,
  '7d': 300_000,
}

export const metricsQueries = {
  all: (cluster: string) => ['clusters', cluster, 'metrics'] as const,
  vm: (
    cluster: string,
    vm: { namespace: string; name: string },
    metric: VmMetricName,
    range: MetricRange,
    autoRefresh = true,
  ) =>
    queryOptions({
      queryKey: [...metricsQueries.all(cluster), 'vm', vm.namespace, vm.name, metric, range],
      queryFn: ({ signal }) =>
        api.get<VmMetricResponse>(
          `${clusterPath(cluster)}/namespaces/${encodeURIComponent(vm.namespace)}/vms/${encodeURIComponent(vm.name)}/metrics?metric=${metric}&range=${range}`,
          { signal },
        ),
      refetchInterval: autoRefresh ? refreshMs[range] : false,
      staleTime: 5_000,
      retry: false,
    }),
  nodes: (cluster: string, range: MetricRange) =>
    queryOptions({
      queryKey: [...metricsQueries.all(cluster), 'nodes', range],
      queryFn: ({ signal }) =>
        api.get<NodeMetricsResponse>(`${clusterPath(cluster)}/metrics/nodes?range=${range}`, {
          signal,
        }),
      refetchInterval: refreshMs[range],
      staleTime: 5_000,
      retry: false,
    }),
  fleet: (cluster: string) =>
    queryOptions({
      queryKey: [...metricsQueries.all(cluster), 'fleet'],
      queryFn: ({ signal }) =>
        api.get<FleetMetricsResponse>(`${clusterPath(cluster)}/metrics/fleet`, { signal }),
      refetchInterval: 15_000,
      staleTime: 5_000,
      retry: false,
    }),
}
