import { Bullseye, Spinner } from '@patternfly/react-core'
import { QueryClientProvider, useQuery } from '@tanstack/react-query'
import type { SessionInfo } from '@vmdeck/shared'
import { useState } from 'react'
import { BrowserRouter, Navigate, Route, Routes } from 'react-router'
import { ErrorAlert } from '../components/ui/error-alert.tsx'
import { sessionQueries } from '../features/session/api/session-queries.ts'
import { LoginPage } from '../features/session/components/login-page.tsx'
import { useClusterStream } from '../features/vms/api/use-cluster-stream.ts'
import { VmListPage } from '../features/vms/components/vm-list-page.tsx'
import { ApiError } from '../lib/api-client.ts'
import { makeQueryClient } from '../lib/query-client.ts'
import { Shell } from './shell.tsx'

export function App() {
  const [queryClient] = useState(makeQueryClient)
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Gate />
      </BrowserRouter>
    </QueryClientProvider>
  )
}

/** Login first; then the console for the user's first cluster. */
function Gate() {
  const session = useQuery(sessionQueries.current())
  if (session.isPending)
    return (
      <Bullseye>
        <Spinner aria-label="Loading" />
      </Bullseye>
    )
  if (session.error) return <ErrorAlert error={session.error} title="vmdeck could not start" />
  if (!session.data) return <LoginPage />
  const cluster = session.data.clusters[0]
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
  return <Console cluster={cluster} session={session.data} />
}

function Console({ cluster, session }: { cluster: string; session: SessionInfo }) {
  const { live } = useClusterStream(cluster)
  return (
    <Shell session={session} cluster={cluster} live={live}>
      <Routes>
        <Route path="/vms" element={<VmListPage cluster={cluster} />} />
        <Route path="*" element={<Navigate to="/vms" replace />} />
      </Routes>
    </Shell>
  )
}
