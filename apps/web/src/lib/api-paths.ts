import type { VmListQuery } from '@vmdeck/shared'

// The BFF's paths, free of any library: the first-load script (src/first-load.ts) asks for the
// same URLs as the app's queries before the app's code has arrived.

export const clusterPath = (cluster: string) => `/api/v1/clusters/${encodeURIComponent(cluster)}`

const toSearch = (query: VmListQuery) => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value))
  return params.toString()
}

export const vmListPath = (cluster: string, query: VmListQuery) =>
  `${clusterPath(cluster)}/vms?${toSearch(query)}`

/** Where the app keeps the cluster last chosen in this browser. */
export const CLUSTER_KEY = 'vmdeck.cluster'

/** The cluster the console opens: the one chosen before, if still offered, else the first. */
export const pickCluster = (clusters: string[], chosen: string | null) =>
  chosen && clusters.includes(chosen) ? chosen : clusters[0]
