// The metrics feature, loaded lazily by the pages that show it (app/lazy-features.ts):
// recharts comes with this chunk only.
export { VmMetrics } from './components/vm-metrics.tsx'
export { OverviewMetrics } from './components/overview-metrics.tsx'
export { NodeUsage } from './components/node-usage.tsx'
export { MigrationProgressChart } from './components/migration-progress-chart.tsx'
