import { Bullseye, Spinner } from '@patternfly/react-core'
import { QueryClientProvider, useQuery } from '@tanstack/react-query'
import type { SessionInfo } from '@vmdeck/shared'
import { Suspense, useState } from 'react'
import { BrowserRouter, Route, Routes } from 'react-router'
import { ErrorAlert } from '../components/ui/error-alert.tsx'
import { ToastGroup } from '../components/ui/toast-group.tsx'
import {
  sessionQueries,
  useRefetchOnGroupsChange,
} from '../features/session/api/session-queries.ts'
import { LoginPage } from '../features/session/components/login-page.tsx'
import { useClusterStream } from '../lib/use-cluster-stream.ts'
import { ApiError } from '../lib/api-client.ts'
import { CLUSTER_KEY, pickCluster } from '../lib/api-paths.ts'
import { makeQueryClient } from '../lib/query-client.ts'
import { createToastStore } from '../lib/toasts.ts'
import { ConsoleRoutes } from './console-routes.tsx'
import { ConsoleWindow } from './lazy-features.ts'
import { Shell } from './shell.tsx'

export function App() {
  const [toasts] = useState(createToastStore)
  const [queryClient] = useState(() => makeQueryClient(toasts))
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Gate />
      </BrowserRouter>
      <ToastGroup store={toasts} />
    </QueryClientProvider>
  )
}

/** Login first; then the console for the chosen (or first) cluster. */
function Gate() {
  const session = useQuery(sessionQueries.current())
  const [chosen, setChosen] = useState(() => localStorage.getItem(CLUSTER_KEY))
  useRefetchOnGroupsChange(session.data?.user.groups)
  if (session.isPending)
    return (
      <Bullseye>
        <Spinner aria-label="Loading" />
      </Bullseye>
    )
  if (session.error) return <ErrorAlert error={session.error} title="vmdeck could not start" />
  if (!session.data) return <LoginPage />
  const clusters = session.data.clusters
  const cluster = pickCluster(clusters, chosen)
  if (!cluster)
    return (
      <ErrorAlert
        error={
          new ApiError({
            statusCode: 503,
            error: 'Service Unavailable',
            message: 'vmdeck has no cluster configured.',
          })
        }
      />
    )
  const choose = (next: string) => {
    localStorage.setItem(CLUSTER_KEY, next)
    setChosen(next)
  }
  return (
    <Routes>
      {/* A VM's console alone in its own window (deep link), without the shell. */}
      <Route
        path="/console/:namespace/:name"
        element={
          <Suspense fallback={<Spinner aria-label="Loading the console" />}>
            <ConsoleWindow cluster={cluster} />
          </Suspense>
        }
      />
      <Route
        path="*"
        element={
          <Console
            key={cluster}
            cluster={cluster}
            session={session.data}
            onClusterChange={choose}
          />
        }
      />
    </Routes>
  )
}

function Console({
  cluster,
  session,
  onClusterChange,
}: {
  cluster: string
  session: SessionInfo
  onClusterChange: (cluster: string) => void
}) {
  const { live } = useClusterStream(cluster)
  return (
    <Shell session={session} cluster={cluster} live={live} onClusterChange={onClusterChange}>
      <ConsoleRoutes cluster={cluster} />
    </Shell>
  )
}
