// The metrics feature, loaded lazily by the pages that show it (components/ui/feature-slot.tsx):
// recharts comes with this chunk only.
export { VmMetrics } from './components/vm-metrics.tsx'
export { OverviewMetrics } from './components/overview-metrics.tsx'
export { NodeSparklines } from './components/node-sparklines.tsx'
export { MigrationProgressChart } from './components/migration-progress-chart.tsx'
export { MetricsUnavailable } from './components/metrics-unavailable.tsx'
