import type { ResourceDef } from './registry.ts'
import { badRequest, StatusError } from './status-error.ts'
import type { KObject } from './types.ts'

/**
 * Applies a PATCH body by its content type, as kube-apiserver does: JSON merge patch (RFC 7386),
 * JSON patch (RFC 6902) and, for built-in kinds only, strategic merge patch (approximated by a
 * merge patch; custom resources reject it with 415 like the real server).
 */
export function applyPatch(
  current: KObject,
  body: string,
  contentType: string,
  def: ResourceDef,
): KObject {
  const type = contentType.split(';')[0]?.trim()
  let patch: unknown
  try {
    patch = JSON.parse(body)
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`)
  }
  switch (type) {
    case 'application/merge-patch+json':
      return mergePatch(current, patch) as KObject
    case 'application/strategic-merge-patch+json':
      if (def.crd) {
        throw new StatusError(
          415,
          'UnsupportedMediaType',
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
        )
      }
      return mergePatch(current, patch) as KObject
    case 'application/json-patch+json':
      if (!Array.isArray(patch))
        throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch')
      return jsonPatch(current, patch as Operation[])
    default:
      throw new StatusError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      )
  }
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    return structuredClone(patch)
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else result[key] = mergePatch(result[key], value)
  }
  return result
}

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  path: string
  value?: unknown
  from?: string
}

const unescape = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~')

function jsonPatch(current: KObject, operations: Operation[]): KObject {
  let doc: unknown = structuredClone(current)
  for (const op of operations) {
    switch (op.op) {
      case 'add':
        doc = setAt(doc, op.path, structuredClone(op.value), 'add')
        break
      case 'replace':
        getAt(doc, op.path)
        doc = setAt(doc, op.path, structuredClone(op.value), 'replace')
        break
      case 'remove':
        getAt(doc, op.path)
        doc = setAt(doc, op.path, undefined, 'remove')
        break
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) {
          throw new StatusError(
            422,
            'Invalid',
            `the server rejected our request due to an error in our request`,
            { causes: [{ message: `testing value ${op.path} failed` }] },
          )
        }
        break
      case 'move':
      case 'copy': {
        const value = structuredClone(getAt(doc, op.from ?? ''))
        if (op.op === 'move') doc = setAt(doc, op.from ?? '', undefined, 'remove')
        doc = setAt(doc, op.path, value, 'add')
        break
      }
      default:
        throw badRequest(`Unexpected kind: ${String((op as { op: unknown }).op)}`)
    }
  }
  return doc as KObject
}

function getAt(doc: unknown, path: string): unknown {
  let value = doc
  for (const token of path.split('/').slice(1).map(unescape)) {
    if (value === null || typeof value !== 'object' || !(token in value)) {
      throw new StatusError(
        422,
        'Invalid',
        `the server rejected our request due to an error in our request`,
        { causes: [{ message: `doc is missing path: "${path}": missing value` }] },
      )
    }
    value = (value as Record<string, unknown>)[token]
  }
  return value
}

function setAt(
  doc: unknown,
  path: string,
  value: unknown,
  mode: 'add' | 'replace' | 'remove',
): unknown {
  const tokens = path.split('/').slice(1).map(unescape)
  if (tokens.length === 0) return value
  const parent = getAt(
    doc,
    '/' +
      tokens
        .slice(0, -1)
        .map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1'))
        .join('/'),
  )
  const last = tokens[tokens.length - 1] ?? ''
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last)
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw new StatusError(
        422,
        'Invalid',
        'the server rejected our request due to an error in our request',
        { causes: [{ message: `index out of range: ${last}` }] },
      )
    }
    if (mode === 'add') parent.splice(index, 0, value)
    else if (mode === 'replace') parent[index] = value
    else parent.splice(index, 1)
  } else if (parent !== null && typeof parent === 'object') {
    if (mode === 'remove') delete (parent as Record<string, unknown>)[last]
    else (parent as Record<string, unknown>)[last] = value
  } else {
    throw new StatusError(
      422,
      'Invalid',
      'the server rejected our request due to an error in our request',
      { causes: [{ message: `doc is missing path: "${path}"` }] },
    )
  }
  return doc
}
