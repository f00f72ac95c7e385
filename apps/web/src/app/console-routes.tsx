import { PageSection, Spinner } from '@patternfly/react-core'
import { Suspense, type ReactNode } from 'react'
import { Navigate, Route, Routes } from 'react-router'
import { VmListPage } from '../features/vms/components/vm-list-page.tsx'
import {
  CreateVmPage,
  MigrationsPage,
  NodesPage,
  NodeUsage,
  OverviewCharts,
  OverviewPage,
  TasksPage,
  TemplatesPage,
  VmDetailPage,
  vmPanels,
} from './lazy-features.ts'
import { RouteErrorBoundary } from './route-error-boundary.tsx'

const page = (element: ReactNode) => (
  <RouteErrorBoundary>
    <Suspense
      fallback={
        <PageSection>
          <Spinner size="lg" aria-label="Loading page" />
        </PageSection>
      }
    >
      {element}
    </Suspense>
  </RouteErrorBoundary>
)

/** The pages inside the shell, each handed the other features' components it shows. */
export function ConsoleRoutes({ cluster }: { cluster: string }) {
  return (
    <Routes>
      <Route
        path="/overview"
        element={page(<OverviewPage cluster={cluster} Charts={OverviewCharts} />)}
      />
      <Route path="/vms" element={page(<VmListPage cluster={cluster} />)} />
      <Route path="/vms/new" element={page(<CreateVmPage cluster={cluster} />)} />
      <Route
        path="/vms/:namespace/:name/:tab?"
        element={page(<VmDetailPage cluster={cluster} panels={vmPanels} />)}
      />
      <Route path="/migrations" element={page(<MigrationsPage cluster={cluster} />)} />
      <Route path="/nodes" element={page(<NodesPage cluster={cluster} Usage={NodeUsage} />)} />
      <Route path="/tasks" element={page(<TasksPage cluster={cluster} />)} />
      <Route path="/templates" element={page(<TemplatesPage cluster={cluster} />)} />
      <Route path="*" element={<Navigate to="/vms" replace />} />
    </Routes>
  )
}
