import { badRequest } from './status-error.ts'
import type { ResourceDef } from './registry.ts'
import type { KObject } from './types.ts'

/** Field labels kube-apiserver supports per kind beyond metadata.name and metadata.namespace. */
const supported: Record<string, string[]> = {
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Node: ['spec.unschedulable'],
  Namespace: ['status.phase'],
  Secret: ['type'],
}

export type FieldSelector = (object: KObject) => boolean

export function parseFieldSelector(def: ResourceDef, text: string | undefined): FieldSelector {
  if (!text || !text.trim()) return () => true
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(supported[def.kind] ?? [])])
  const terms = text.split(',').map((term) => {
    const match = /^\s*([^!=\s]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(term)
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`)
    const [, field = '', op, value = ''] = match
    if (!allowed.has(field)) {
      throw badRequest(`field label not supported: ${field}`)
    }
    return { field, negate: op === '!=', value }
  })
  return (object) =>
    terms.every(({ field, negate, value }) => {
      const actual = fieldValue(object, field)
      return negate ? actual !== value : actual === value
    })
}

function fieldValue(object: KObject, field: string): string {
  if (field === 'source' && object.kind === 'Event') {
    return String((object.source as { component?: string } | undefined)?.component ?? '')
  }
  let value: unknown = object
  for (const part of field.split('.'))
    value = (value as Record<string, unknown> | undefined)?.[part]
  if (value === undefined || value === null)
    return field === 'spec.unschedulable' || field === 'spec.hostNetwork' ? 'false' : ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}
