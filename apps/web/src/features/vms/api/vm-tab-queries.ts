import { queryOptions } from '@tanstack/react-query'
import type { VmEventList, VmSnapshotList, VmYaml } from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'
import { vmPath, vmQueries, type VmRef } from '../../../lib/vm-queries.ts'

/** What the detail page's tabs read besides the VM itself; keyed under its detail query. */
export const vmTabQueries = {
  snapshots: (cluster: string, vm: VmRef) =>
    queryOptions({
      queryKey: [...vmQueries.detail(cluster, vm).queryKey, 'snapshots'],
      queryFn: ({ signal }) =>
        api.get<VmSnapshotList>(`${vmPath(cluster, vm)}/snapshots`, { signal }),
      refetchInterval: 5_000,
    }),
  events: (cluster: string, vm: VmRef) =>
    queryOptions({
      queryKey: [...vmQueries.detail(cluster, vm).queryKey, 'events'],
      queryFn: ({ signal }) => api.get<VmEventList>(`${vmPath(cluster, vm)}/events`, { signal }),
      refetchInterval: 10_000,
    }),
  yaml: (cluster: string, vm: VmRef) =>
    queryOptions({
      queryKey: [...vmQueries.detail(cluster, vm).queryKey, 'yaml'],
      queryFn: ({ signal }) => api.get<VmYaml>(`${vmPath(cluster, vm)}/yaml`, { signal }),
    }),
}
