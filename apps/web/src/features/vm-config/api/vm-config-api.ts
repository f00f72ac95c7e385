import { queryOptions } from '@tanstack/react-query'
import type {
  CatalogNameList,
  CatalogNetworkList,
  CatalogSizingList,
  VlanNetworkForm,
  VmConfig,
  VmConfigApplied,
  VmConfigReview,
  VmConfigSection,
} from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'
import { vmPath, type VmRef } from '../../../lib/vm-queries.ts'

const clusterPath = (cluster: string) => `/api/v1/clusters/${encodeURIComponent(cluster)}`

/** The Configuration tab's reads: the VM's configuration and the catalogs its sections pick from. */
export const vmConfigQueries = {
  config: (cluster: string, vm: VmRef) =>
    queryOptions({
      queryKey: ['vm-config', cluster, vm.namespace, vm.name],
      queryFn: ({ signal }) => api.get<VmConfig>(`${vmPath(cluster, vm)}/config`, { signal }),
      // While saved changes wait for a restart, watch for the restart that applies them.
      refetchInterval: (query) => (query.state.data?.restartRequired ? 3_000 : false),
    }),
  networks: (cluster: string, namespace: string) =>
    queryOptions({
      queryKey: ['catalogs', cluster, 'networks', namespace],
      queryFn: ({ signal }) =>
        api.get<CatalogNetworkList>(
          `${clusterPath(cluster)}/catalogs/networks?namespace=${encodeURIComponent(namespace)}`,
          { signal },
        ),
    }),
  instancetypes: (cluster: string, namespace: string) =>
    queryOptions({
      queryKey: ['catalogs', cluster, 'instancetypes', namespace],
      queryFn: ({ signal }) =>
        api.get<CatalogSizingList>(
          `${clusterPath(cluster)}/catalogs/instancetypes?namespace=${encodeURIComponent(namespace)}`,
          { signal },
        ),
    }),
  sshKeys: (cluster: string, namespace: string) =>
    queryOptions({
      queryKey: ['catalogs', cluster, 'ssh-keys', namespace],
      queryFn: ({ signal }) =>
        api.get<CatalogNameList>(
          `${clusterPath(cluster)}/catalogs/ssh-keys?namespace=${encodeURIComponent(namespace)}`,
          { signal },
        ),
    }),
}

/** What a section sends: its change and the configuration version it was made on. */
export type SectionRequest = { version: string; change: unknown }

export const reviewSection = (
  cluster: string,
  vm: VmRef,
  section: VmConfigSection,
  body: SectionRequest,
) => api.post<VmConfigReview>(`${vmPath(cluster, vm)}/config/${section}/review`, body)

export const applySection = (
  cluster: string,
  vm: VmRef,
  section: VmConfigSection,
  body: SectionRequest,
) => api.patch<VmConfigApplied>(`${vmPath(cluster, vm)}/config/${section}`, body)

export const createVlanNetworks = (cluster: string, namespace: string, form: VlanNetworkForm) =>
  api.post<CatalogNetworkList>(
    `${clusterPath(cluster)}/namespaces/${encodeURIComponent(namespace)}/networks/vlan`,
    form,
  )
