import { VmMetricCard } from './metric-card.tsx'

/** Bytes processed and remaining of the VM's live migrations (the Migrations tab). */
export function MigrationProgressChart({
  cluster,
  namespace,
  name,
}: {
  cluster: string
  namespace: string
  name: string
}) {
  return (
    <VmMetricCard
      cluster={cluster}
      vm={{ namespace, name }}
      metric="migration"
      title="Migration progress"
      range="1h"
      autoRefresh
    />
  )
}
