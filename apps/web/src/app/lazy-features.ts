import { lazy } from 'react'

// Every page but the VM list, and every feature's component shown inside another feature's page,
// loads on first render: the list route's first paint stays small, and noVNC, xterm.js and
// recharts come only with the console and chart chunks. Features never import each other; this
// is where they meet.
const consoles = () => import('../features/consoles/index.ts')
const metrics = () => import('../features/metrics/index.ts')
const tasks = () => import('../features/tasks/index.ts')
const templates = () => import('../features/templates/index.ts')

export const VmDetailPage = lazy(() => import('../features/vms/components/vm-detail-page.tsx'))
export const CreateVmPage = lazy(
  () => import('../features/vms/components/create/create-vm-page.tsx'),
)
export const NodesPage = lazy(() => import('../features/nodes/components/nodes-page.tsx'))
export const MigrationsPage = lazy(
  () => import('../features/migrations/components/migrations-page.tsx'),
)
export const OverviewPage = lazy(() => import('../features/overview/components/overview-page.tsx'))
export const TasksPage = lazy(() => tasks().then((m) => ({ default: m.TasksPage })))
export const TasksDrawer = lazy(() => tasks().then((m) => ({ default: m.TasksDrawer })))
export const TemplatesPage = lazy(() => templates().then((m) => ({ default: m.TemplatesPage })))
export const ConsoleWindow = lazy(() => consoles().then((m) => ({ default: m.ConsoleWindow })))

export const vmPanels = {
  Console: lazy(() => consoles().then((m) => ({ default: m.VmConsole }))),
  Metrics: lazy(() => metrics().then((m) => ({ default: m.VmMetrics }))),
  MigrationProgress: lazy(() => metrics().then((m) => ({ default: m.MigrationProgressChart }))),
  Timeline: lazy(() => tasks().then((m) => ({ default: m.VmTimeline }))),
  SaveAsTemplate: lazy(() => templates().then((m) => ({ default: m.SaveAsTemplate }))),
  Configuration: lazy(() =>
    import('../features/vm-config/index.ts').then((m) => ({ default: m.VmConfigTab })),
  ),
}
export const NodeUsage = lazy(() => metrics().then((m) => ({ default: m.NodeUsage })))
export const OverviewCharts = lazy(() => metrics().then((m) => ({ default: m.OverviewMetrics })))
