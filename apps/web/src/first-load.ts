// The first load's data, asked for while the app's code is still on its way: the session and, on
// the VM list's URLs, the list page the app will ask for. A bundle of its own, a few hundred
// bytes, that the page runs before the app; the app takes the answers (lib/prefetched.ts) rather
// than waiting for its code before the first request and for the session before the list.
import type { SessionInfo } from '@vmdeck/shared'
import { vmListQuery } from './features/vms/model/list-query.ts'
import { CLUSTER_KEY, pickCluster, vmListPath } from './lib/api-paths.ts'
import { prefetch } from './lib/prefetched.ts'

const { pathname, search } = window.location
// `/` shows the list too (it sends the browser to /vms without a query).
const listParams =
  pathname === '/vms'
    ? new URLSearchParams(search)
    : pathname === '/'
      ? new URLSearchParams()
      : null

void prefetch('/api/v1/session')
  .then((response) => (response.ok ? (response.clone().json() as Promise<SessionInfo>) : null))
  .then((session) => {
    if (!session || !listParams) return
    const cluster = pickCluster(session.clusters, localStorage.getItem(CLUSTER_KEY))
    if (cluster)
      void prefetch(vmListPath(cluster, vmListQuery(listParams, listParams.get('search') ?? '')))
  })
  // The app asks again itself when this fails.
  .catch(() => undefined)
