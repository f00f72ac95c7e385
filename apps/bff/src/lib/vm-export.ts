import {
  exportColumns,
  folderOf,
  type ExportColumn,
  type VmExportQuery,
  type VmSummary,
} from '@vmdeck/shared'
import type { Visibility } from '../kube/access.ts'
import type { VmIndex } from '../kube/vm-list/vm-index.ts'
import type { SortKey } from '../kube/vm-list/vm-row.ts'
import { vmListFilter } from './vm-list-filter.ts'

/** Rows per chunk written: small enough to stream, large enough to keep writes few. */
const CHUNK_ROWS = 500

const headers: Record<ExportColumn, string> = {
  name: 'Name',
  namespace: 'Namespace',
  folder: 'Folder',
  status: 'Status',
  node: 'Node',
  ips: 'IP addresses',
  os: 'OS',
  cpus: 'vCPU',
  memory: 'Memory',
  instancetype: 'Instance type',
  createdAt: 'Created',
  labels: 'Labels',
}

type Cell = string | number | Record<string, string> | string[] | undefined

const cell = (vm: VmSummary, column: ExportColumn): Cell =>
  column === 'folder' ? folderOf(vm.labels) : vm[column]

/**
 * Every VM the list's filters match, in the list's order, picked synchronously (the index keeps
 * changing while the answer streams; the summaries themselves are immutable).
 * Throws what `vmListFilter` throws for a bad search.
 */
export function exportedVms(
  index: VmIndex,
  query: VmExportQuery,
  visibility: Visibility,
  now = Date.now(),
): VmSummary[] {
  const { statuses, counted } = vmListFilter(index, query, visibility, now)
  const sort = query.sort ?? 'name'
  const rows: VmSummary[] = []
  for (const row of index.order(sort.replace(/^-/, '') as SortKey).rows(sort.startsWith('-')))
    if (counted(row) && (!statuses || statuses.has(row.status))) rows.push(row.vm)
  return rows
}

export const chosenColumns = (columns: string | undefined): ExportColumn[] =>
  columns ? exportColumns.filter((c) => columns.split(',').includes(c)) : [...exportColumns]

/** The export as text chunks: CSV (RFC 4180, CRLF) or a JSON array of objects. */
export function* exportChunks(
  vms: readonly VmSummary[],
  columns: readonly ExportColumn[],
  format: 'csv' | 'json',
): Generator<string> {
  if (format === 'csv') yield csvLine(columns.map((c) => headers[c]))
  else yield '['
  for (let at = 0; at < vms.length; at += CHUNK_ROWS) {
    const lines = vms.slice(at, at + CHUNK_ROWS).map((vm, i) => {
      if (format === 'csv') return csvLine(columns.map((c) => csvText(cell(vm, c))))
      const object = Object.fromEntries(columns.map((c) => [c, cell(vm, c) ?? null]))
      return (at + i === 0 ? '\n' : ',\n') + JSON.stringify(object)
    })
    yield lines.join('')
  }
  if (format === 'json') yield '\n]\n'
}

function csvText(value: Cell): string {
  if (value === undefined) return ''
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value)) return value.join(' ')
  if (typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')
  return value
}

/**
 * One CSV line. A cell a spreadsheet would read as a formula (starting with = + - @, or a tab or
 * carriage return) gets a leading `'`, so opening the export never runs what a VM's name or label
 * holds; cells with a quote, comma or line break are quoted, quotes doubled.
 */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}
