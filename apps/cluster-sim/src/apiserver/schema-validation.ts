import { definitionsFor, schemaFor } from './openapi.ts'
import type { ResourceDef } from './registry.ts'
import { StatusError } from './status-error.ts'
import type { KObject } from './types.ts'

// Structural validation of KubeVirt and CDI objects against their published OpenAPI schemas, as
// kube-apiserver validates custom resources against the CRD schema (`k8s.io/apiextensions-apiserver`
// + kube-openapi's validator): wrong types and missing required fields are 422 Invalid with one
// cause per field; unknown fields follow `fieldValidation` — Strict fails with 400 "strict
// decoding error", Warn (the default) answers with a `Warning: 299` header per field, Ignore says
// nothing. (A real CRD would also prune unknown fields; the simulator keeps them.)

type Schema = {
  $ref?: string
  type?: string
  format?: string
  properties?: Record<string, Schema>
  additionalProperties?: Schema | boolean
  items?: Schema
  required?: string[]
}

interface Cause {
  reason: 'FieldValueInvalid' | 'FieldValueRequired'
  field: string
  message: string
}

/** Types the swagger describes loosely that CRD schemas accept as int-or-string or anything. */
const anyValue = /(?:RawExtension|FieldsV1|JSON)$/
const intOrString = /(?:Quantity|IntOrString)$/

function walk(
  schema: Schema | undefined,
  value: unknown,
  path: string,
  defs: Record<string, Schema>,
  out: { causes: Cause[]; unknown: string[] },
): void {
  if (!schema || value === null || value === undefined) return
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '')
    if (anyValue.test(name)) return
    if (intOrString.test(name)) {
      if (typeof value !== 'string' && typeof value !== 'number')
        typeError(path, value, 'string', out)
      return
    }
    walk(defs[name], value, path, defs, out)
    return
  }
  const type = schema.type ?? (schema.properties ? 'object' : undefined)
  if (!type) return
  if (schema.format === 'int-or-string') {
    if (typeof value !== 'string' && !Number.isInteger(value)) typeError(path, value, 'string', out)
    return
  }
  if (!matchesType(type, value)) return typeError(path, value, type, out)
  if (type === 'array' && Array.isArray(value)) {
    value.forEach((item, i) => walk(schema.items, item, `${path}[${i}]`, defs, out))
    return
  }
  if (type !== 'object') return
  const object = value as Record<string, unknown>
  for (const name of schema.required ?? []) {
    if (object[name] === undefined)
      out.causes.push({
        reason: 'FieldValueRequired',
        field: join(path, name),
        message: 'Required value',
      })
  }
  for (const [key, child] of Object.entries(object)) {
    const property = schema.properties?.[key]
    if (property) walk(property, child, join(path, key), defs, out)
    else if (typeof schema.additionalProperties === 'object')
      walk(schema.additionalProperties, child, join(path, key), defs, out)
    else if (schema.properties && schema.additionalProperties === undefined)
      out.unknown.push(join(path, key))
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key)

function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return Number.isInteger(value)
    case 'number':
      return typeof value === 'number'
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return typeof value === 'object' && !Array.isArray(value)
    default:
      return true
  }
}

function typeError(path: string, value: unknown, type: string, out: { causes: Cause[] }): void {
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value
  const given = actual === 'number' ? 'number' : actual
  out.causes.push({
    reason: 'FieldValueInvalid',
    field: path,
    message: `Invalid value: "${given}": ${path} in body must be of type ${type}: "${given}"`,
  })
}

/**
 * Validates a client's write of a kind with a published schema. Throws 422 / 400 as
 * kube-apiserver would; returns the warnings to send (`Warning` header values).
 */
export function validateObject(
  def: ResourceDef,
  object: KObject,
  fieldValidation: string | null,
): string[] {
  const schema = schemaFor(def) as Schema | undefined
  if (!schema) return []
  const defs = definitionsFor(def.group) as Record<string, Schema>
  const out = { causes: [] as Cause[], unknown: [] as string[] }
  const { metadata: _metadata, ...rest } = object
  walk(
    { ...schema, required: (schema.required ?? []).filter((r) => r !== 'metadata') },
    rest,
    '',
    defs,
    out,
  )
  if (out.causes.length) {
    const errors = out.causes.map((c) => `${c.field}: ${c.message}`)
    throw new StatusError(
      422,
      'Invalid',
      `${def.kind}.${def.group} "${object.metadata.name ?? ''}" is invalid: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`,
      { name: object.metadata.name ?? '', group: def.group, kind: def.kind, causes: out.causes },
    )
  }
  const mode = fieldValidation ?? 'Warn'
  if (!['Strict', 'Warn', 'Ignore'].includes(mode)) {
    throw new StatusError(
      400,
      'BadRequest',
      `fieldValidation parameter unsupported: ${mode}; supported values: Ignore, Warn, Strict`,
    )
  }
  if (out.unknown.length === 0 || mode === 'Ignore') return []
  if (mode === 'Strict') {
    throw new StatusError(
      400,
      'BadRequest',
      `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: strict decoding error: ${out.unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
    )
  }
  return out.unknown.map((f) => `299 - "unknown field \\"${f}\\""`)
}
