import { evalJsonPath } from './json-path.ts'
import type { PrinterColumn, ResourceDef } from './registry.ts'
import type { KObject } from './types.ts'

/** True when the client asked for a meta.k8s.io Table (what `kubectl get` asks for). */
export const wantsTable = (accept: string | undefined): boolean => /as=Table/.test(accept ?? '')

const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
}

/** Renders objects as kube-apiserver's Table for CRDs: NAME, then the printer columns. */
export function toTable(
  def: ResourceDef,
  items: KObject[],
  metadata: Record<string, unknown>,
  includeObject: string | undefined,
) {
  const columns = def.printerColumns ?? [ageColumn]
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: [
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        description: 'Name must be unique within a namespace.',
        priority: 0,
      },
      ...columns.map((c) => ({
        name: c.name,
        type: c.type === 'date' ? 'date' : c.type,
        format: c.format ?? '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
      })),
    ],
    rows: items.map((object) => ({
      cells: [
        object.metadata.name,
        ...columns.map((c) =>
          cell(c.value ? c.value(object) : evalJsonPath(object, c.jsonPath), c),
        ),
      ],
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? object
            : {
                kind: 'PartialObjectMetadata',
                apiVersion: 'meta.k8s.io/v1',
                metadata: object.metadata,
              },
    })),
  }
}

function cell(value: unknown, column: PrinterColumn): unknown {
  if (value === undefined || value === null) return column.type === 'date' ? '<unknown>' : ''
  if (column.type === 'date')
    return humanDuration(Date.now() - Date.parse(typeof value === 'string' ? value : ''))
  if (typeof value === 'object') return JSON.stringify(value)
  return value
}

/** `k8s.io/apimachinery/pkg/util/duration.HumanDuration`, which the CRD table convertor applies to date columns. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 60 * 2) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`
  if (minutes < 60 * 3) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8)
    return hours % 24 === 0
      ? `${Math.floor(hours / 24)}d`
      : `${Math.floor(hours / 24)}d${hours % 24}h`
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`
  if (hours < 24 * 365 * 8)
    return `${Math.floor(hours / 24 / 365)}y${Math.floor(hours / 24) % 365}d`
  return `${Math.floor(hours / 24 / 365)}y`
}
