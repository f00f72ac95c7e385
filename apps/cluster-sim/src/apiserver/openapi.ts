import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { groupVersion, type Registry, type ResourceDef } from './registry.ts'

// `/openapi/v3` as kube-apiserver serves it: a root listing one document per group-version, each
// a 3.0 document with paths and component schemas. kubectl 1.32 reads it (a) to learn that the
// server validates fields itself — a PATCH operation tagged with the kind's
// `x-kubernetes-group-version-kind` that lists the `fieldValidation` query parameter
// (`k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go`); without it `apply` falls back to
// client-side validation against `/openapi/v2` — and (b) for `kubectl explain`. KubeVirt and CDI
// schemas come from their published swagger documents, read at start: unmodified upstream copies
// kept in apps/cluster-sim/openapi/ (provenance and checksums in its SOURCE.md), so a clone of
// this repository validates the same way wherever it runs.

const SWAGGER_DIR =
  process.env.VMDECK_KUBEVIRT_OPENAPI_DIR ??
  fileURLToPath(new URL('../../openapi/', import.meta.url))

type Schemas = Record<string, Record<string, unknown>>
let swaggers: { kubevirt: Schemas; cdi: Schemas } | undefined

function loadDefinitions(file: string): Schemas {
  const path = `${SWAGGER_DIR}/${file}`
  if (!existsSync(path)) return {}
  const text = readFileSync(path, 'utf8').replaceAll('#/definitions/', '#/components/schemas/')
  return (JSON.parse(text) as { definitions?: Schemas }).definitions ?? {}
}

/** The swagger definitions a kind's group publishes (empty when the documents are absent). */
export function definitionsFor(group: string): Schemas {
  swaggers ??= {
    kubevirt: loadDefinitions('kubevirt-swagger.json'),
    cdi: loadDefinitions('cdi-swagger.json'),
  }
  if (group === 'cdi.kubevirt.io') return swaggers.cdi
  return group.endsWith('kubevirt.io') ? swaggers.kubevirt : {}
}

/** The published schema of a kind at a version, if its project publishes one. */
export function schemaFor(def: ResourceDef, version = def.version) {
  return definitionsFor(def.group)[`${version}.${def.kind}`]
}

const gvPath = (group: string, version: string) =>
  group ? `apis/${group}/${version}` : `api/${version}`

function groupVersions(registry: Registry): [string, string][] {
  const seen = new Map<string, [string, string]>()
  for (const def of registry.defs) {
    for (const version of [def.version, ...(def.alsoServed ?? [])])
      seen.set(gvPath(def.group, version), [def.group, version])
  }
  return [...seen.values()]
}

const cache = new WeakMap<Registry, { size: number; documents: Map<string, string> }>()

/** `GET /openapi/v3` or `/openapi/v3/{api/v1|apis/g/v}` as JSON text; undefined when unknown. */
export function openApiDocument(registry: Registry, pathname: string): string | undefined {
  let cached = cache.get(registry)
  if (!cached || cached.size !== registry.defs.length) {
    cached = { size: registry.defs.length, documents: new Map() }
    cache.set(registry, cached)
  }
  const key = pathname.replace(/\/+$/, '')
  const hit = cached.documents.get(key)
  if (hit !== undefined) return hit
  let document: unknown
  if (key === '/openapi/v3') document = openApiRoot(registry)
  else {
    const match = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(key)
    if (!match) return undefined
    document = match[1]
      ? openApiGroupVersion(registry, '', match[1])
      : openApiGroupVersion(registry, match[2] ?? '', match[3] ?? '')
  }
  if (document === undefined) return undefined
  const text = JSON.stringify(document)
  cached.documents.set(key, text)
  return text
}

export function openApiRoot(registry: Registry) {
  const paths: Record<string, { serverRelativeURL: string }> = {}
  for (const [group, version] of groupVersions(registry)) {
    const path = gvPath(group, version)
    const hash = createHash('sha512')
      .update(JSON.stringify(openApiGroupVersion(registry, group, version)))
      .digest('hex')
      .slice(0, 128)
      .toUpperCase()
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` }
  }
  return { paths }
}

const fieldValidation = {
  name: 'fieldValidation',
  in: 'query',
  description:
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
  schema: { type: 'string', uniqueItems: true },
}
const dryRun = {
  name: 'dryRun',
  in: 'query',
  description: 'When present, indicates that modifications should not be persisted.',
  schema: { type: 'string', uniqueItems: true },
}

/** One group-version's document, or undefined when the group-version is not served. */
export function openApiGroupVersion(registry: Registry, group: string, version: string) {
  const defs = registry.defs.filter(
    (d) => d.group === group && (d.version === version || d.alsoServed?.includes(version)),
  )
  if (defs.length === 0) return undefined
  const schemas: Schemas = {}
  const paths: Record<string, unknown> = {}
  for (const def of defs) {
    const gvk = { group, version, kind: def.kind }
    const name = schemaName(def, version)
    const published = schemaFor(def, version)
    if (published) Object.assign(schemas, definitionsFor(group))
    schemas[name] = {
      ...(published ?? {
        type: 'object',
        description: `${def.kind} (${groupVersion({ group, version })}) as the simulator serves it.`,
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { type: 'object' },
        },
        'x-kubernetes-preserve-unknown-fields': true,
      }),
      'x-kubernetes-group-version-kind': [gvk],
    }
    const ref = { $ref: `#/components/schemas/${name}` }
    const body = { content: { 'application/json': { schema: ref } } }
    const ok = { '200': body }
    const base = `/${gvPath(group, version)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.plural}`
    const tag = { 'x-kubernetes-group-version-kind': gvk }
    paths[base] = {
      get: { operationId: `list${def.kind}`, responses: ok, ...tag },
      post: {
        operationId: `create${def.kind}`,
        parameters: [dryRun, fieldValidation],
        requestBody: body,
        responses: { ...ok, '201': body },
        ...tag,
      },
    }
    paths[`${base}/{name}`] = {
      get: { operationId: `read${def.kind}`, responses: ok, ...tag },
      put: {
        operationId: `replace${def.kind}`,
        parameters: [dryRun, fieldValidation],
        requestBody: body,
        responses: ok,
        ...tag,
      },
      patch: {
        operationId: `patch${def.kind}`,
        parameters: [dryRun, fieldValidation],
        requestBody: {
          content: { 'application/merge-patch+json': { schema: { type: 'object' } } },
        },
        responses: ok,
        ...tag,
      },
      delete: { operationId: `delete${def.kind}`, responses: ok, ...tag },
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  }
}

/** kube-apiserver names component schemas by reversed group (`io.kubevirt.v1.VirtualMachine`). */
function schemaName(def: ResourceDef, version: string): string {
  const group = def.group ? def.group.split('.').reverse().join('.') : 'io.k8s.api.core'
  return `${group}.${version}.${def.kind}`
}
