import type { ComponentType } from 'react'
import { makeFeatureSlot } from './feature-slot.tsx'

// The places other features fill (consoles: issue 6, metrics: issue 8). Each is loaded on first
// use, so noVNC, xterm.js and recharts stay out of the list route's JavaScript.
const consoles = import.meta.glob<Record<string, unknown>>('../../features/consoles/index.{ts,tsx}')
const metrics = import.meta.glob<Record<string, unknown>>('../../features/metrics/index.{ts,tsx}')

type VmProps = { cluster: string; namespace: string; name: string }

export const VmConsoleSlot: ComponentType<VmProps> = makeFeatureSlot(
  consoles,
  'VmConsole',
  'The console is not available in this build.',
)
export const VmMetricsSlot: ComponentType<VmProps> = makeFeatureSlot(
  metrics,
  'VmMetrics',
  'Metrics are not available in this build.',
)
export const MigrationProgressSlot: ComponentType<VmProps> = makeFeatureSlot(
  metrics,
  'MigrationProgressChart',
  'Migration charts are not available in this build.',
)
export const NodeSparklinesSlot: ComponentType<{ cluster: string; node?: string }> =
  makeFeatureSlot(metrics, 'NodeSparklines', 'Metrics are not available in this build.')
