import { Type, type Static } from 'typebox'
import { VmListQuery } from './vms.ts'

/** The columns an export may hold, in the order it writes them. */
export const exportColumns = [
  'name',
  'namespace',
  'folder',
  'status',
  'node',
  'ips',
  'os',
  'cpus',
  'memory',
  'instancetype',
  'createdAt',
  'labels',
] as const
export type ExportColumn = (typeof exportColumns)[number]

/**
 * `GET /api/v1/clusters/{c}/vms/export`: every VM the list's filters match (not one page), in the
 * list's order, as CSV or JSON with the chosen columns (comma-separated; all when absent).
 */
export const VmExportQuery = Type.Object({
  ...Type.Pick(VmListQuery, ['namespace', 'search', 'status', 'node', 'folder', 'sort']).properties,
  format: Type.Union([Type.Literal('csv'), Type.Literal('json')]),
  columns: Type.Optional(
    Type.String({ pattern: `^(${exportColumns.join('|')})(,(${exportColumns.join('|')}))*$` }),
  ),
})
export type VmExportQuery = Static<typeof VmExportQuery>
