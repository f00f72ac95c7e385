import type { ExportColumn, VmListQuery } from '@vmdeck/shared'
import { clusterPath } from '../../../lib/api-paths.ts'
import type { ColumnId } from '../components/vm-table.tsx'

const exported: Record<ColumnId, ExportColumn> = {
  namespace: 'namespace',
  status: 'status',
  node: 'node',
  ip: 'ips',
  os: 'os',
  cpus: 'cpus',
  memory: 'memory',
  instancetype: 'instancetype',
  createdAt: 'createdAt',
}

/**
 * The export of the list as filtered and sorted now (every matching VM, not the page), with the
 * columns on screen plus the name and folder (the export writes them in its own fixed order).
 */
export function vmExportPath(
  cluster: string,
  query: VmListQuery,
  columns: readonly ColumnId[],
  format: 'csv' | 'json',
): string {
  const params = new URLSearchParams({ format })
  for (const key of ['namespace', 'folder', 'search', 'status', 'node', 'sort'] as const) {
    const value = query[key]
    if (value) params.set(key, value)
  }
  params.set('columns', ['name', 'folder', ...columns.map((id) => exported[id])].join(','))
  return `${clusterPath(cluster)}/vms/export?${params.toString()}`
}
