import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TokenAuthenticator, UserInfo } from '../auth/authenticator.ts'
import { apiGroup, apiGroupList, apiVersions, resourceList, versionInfo } from './discovery.ts'
import { parseFieldSelector } from './field-selector.ts'
import { parseLabelSelector } from './label-selector.ts'
import type { ObjectStore } from './object-store.ts'
import { FOREGROUND, GarbageCollector, ORPHAN } from './garbage-collector.ts'
import { startCrdRegistrar } from './crd-registrar.ts'
import { openApiDocument } from './openapi.ts'
import { validateObject } from './schema-validation.ts'
import { builtinProtobufTables } from './builtin-protobuf.ts'
import { decodeKubernetesProtobuf, PROTOBUF_TYPE } from './protobuf.ts'
import { applyPatch } from './patch.ts'
import { groupVersion, type Registry, type ResourceDef } from './registry.ts'
import { parseRequestPath, type ResourcePath } from './request-path.ts'
import {
  badRequest,
  gone,
  invalid,
  methodNotSupported,
  notFound,
  StatusError,
  unauthorized,
} from './status-error.ts'
import { toTable, wantsTable } from './table.ts'
import type { KObject, StoreEvent } from './types.ts'
import { serveWatch } from './watch.ts'

export interface RequestContext {
  user: UserInfo
  req: IncomingMessage
  res: ServerResponse
  url: URL
  path: ResourcePath
  def: ResourceDef | undefined
}

/**
 * A handler for a path the generic REST storage does not serve: a subresource
 * (`pods/eviction`, KubeVirt's subresource API) or a virtual create-only kind (access reviews).
 * Returns false when it does not handle the request.
 */
export type CustomHandler = (ctx: RequestContext) => Promise<boolean> | boolean

/** Checks a write before it is stored (validating admission); throws a StatusError to reject. */
export type AdmissionHook = (input: {
  operation: 'CREATE' | 'UPDATE' | 'DELETE'
  def: ResourceDef
  object: KObject | undefined
  oldObject: KObject | undefined
  user: UserInfo
  subresource?: string
}) => void

export type Authorizer = (request: {
  user: UserInfo
  verb: string
  group: string
  resource: string
  subresource?: string
  namespace?: string
  name?: string
}) => boolean

export interface ApiServerOptions {
  registry: Registry
  store: ObjectStore
  authenticator: TokenAuthenticator
  authorize?: Authorizer
  /** Authorizes a request for a non-resource URL (`/version`, `/apis`); verb = lowercased HTTP method. */
  authorizeNonResource?: (user: UserInfo, verb: string, path: string) => boolean
  /** Switches the user per the `Impersonate-*` headers (throws a StatusError when not allowed). */
  impersonate?: (user: UserInfo, headers: IncomingMessage['headers']) => UserInfo
  serverAddress: string
  bookmarkIntervalMs?: number
}

export class ApiServer {
  readonly customHandlers: CustomHandler[] = []
  readonly admission: AdmissionHook[] = []
  readonly #options: ApiServerOptions

  readonly garbageCollector: GarbageCollector

  constructor(options: ApiServerOptions) {
    this.#options = options
    this.garbageCollector = new GarbageCollector(options.registry, options.store)
    startCrdRegistrar(options.registry, options.store, (def) => this.garbageCollector.watch(def))
  }

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.#dispatch(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      const status =
        error instanceof StatusError
          ? error
          : new StatusError(
              500,
              'InternalError',
              `Internal error occurred: ${(error as Error).message}`,
            )
      sendJson(res, status.code, status.toStatus())
    })
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost')
    const { registry } = this.#options
    if (url.pathname === '/healthz' || url.pathname === '/readyz' || url.pathname === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
      return
    }
    const authenticated = this.#options.authenticator.authenticate(req.headers.authorization)
    if (!authenticated) throw unauthorized()
    const user = this.#options.impersonate?.(authenticated, req.headers) ?? authenticated
    const parsed = parseRequestPath(url.pathname)
    if (parsed.type !== 'resource')
      this.#authorizeNonResource(user, req.method ?? 'GET', url.pathname)
    switch (parsed.type) {
      case 'root':
        if (parsed.which === 'version') return sendJson(res, 200, versionInfo)
        if (parsed.which === 'api')
          return sendJson(res, 200, apiVersions(this.#options.serverAddress))
        return sendJson(res, 200, apiGroupList(registry))
      case 'group': {
        const versions = registry.groups().get(parsed.group)
        if (!versions) throw notFound('', '', url.pathname)
        return sendJson(res, 200, apiGroup(parsed.group, versions))
      }
      case 'groupVersion': {
        const list = resourceList(registry, parsed.group, parsed.version)
        if (!list)
          throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
        return sendJson(res, 200, list)
      }
      case 'other': {
        const document = url.pathname.startsWith('/openapi/v3')
          ? openApiDocument(registry, url.pathname)
          : undefined
        if (document === undefined)
          throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(document),
        })
        res.end(document)
        return
      }
      case 'resource':
        return this.#resource(req, res, url, user, parsed.path)
    }
  }

  async #resource(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    user: UserInfo,
    path: ResourcePath,
  ): Promise<void> {
    const def = this.#options.registry.find(path.group, path.version, path.plural)
    const ctx: RequestContext = { user, req, res, url, path, def }
    // kube-apiserver authorizes before any handler runs, subresources (`pods/eviction`) and
    // virtual kinds (access reviews) included; paths outside the registry are left to their handler.
    const earlyVerb = def ? verbOrUndefined(req.method ?? 'GET', path, url) : undefined
    // The aggregated subresources.kubevirt.io group authorizes itself (virt-api's own
    // SubjectAccessReview, denial = 401 plain text), so it is not checked here.
    if (def && earlyVerb && def.group !== 'subresources.kubevirt.io')
      this.#authorize(user, earlyVerb, def, path)
    for (const handler of this.customHandlers) {
      if (await handler(ctx)) return
    }
    if (!def)
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
    if (
      path.subresource &&
      !(def.subresources as string[] | undefined)?.includes(path.subresource)
    ) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
    }
    if (def.namespaced === false && path.namespace !== undefined) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
    }
    const verb = verbOf(req.method ?? 'GET', path, url)
    if (verb !== earlyVerb) this.#authorize(user, verb, def, path)
    const { store } = this.#options
    const namespace = def.namespaced ? path.namespace : undefined

    if (verb === 'watch') {
      return serveWatch({
        req,
        res,
        url,
        def,
        store,
        namespace,
        bookmarkIntervalMs: this.#options.bookmarkIntervalMs ?? 60_000,
      })
    }
    if (verb === 'list') return this.#list(req, res, url, def, namespace)
    if (verb === 'get')
      return this.#respond(req, res, url, def, 200, store.get(def, namespace, path.name ?? ''))

    if (verb === 'create') {
      const object = await readObject(req)
      this.#checkKind(def, object)
      if (def.namespaced) {
        if (!namespace)
          throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
        if (object.metadata.namespace && object.metadata.namespace !== namespace) {
          throw badRequest(
            'the namespace of the provided object does not match the namespace sent on the request',
          )
        }
        object.metadata.namespace = namespace
      }
      this.#warn(res, validateObject(def, object, url.searchParams.get('fieldValidation')))
      this.#admit('CREATE', def, object, undefined, user)
      const created = dryRun(url) ? { ...object } : store.create(def, object)
      return this.#respond(req, res, url, def, 201, created)
    }
    if (verb === 'update' || verb === 'patch') {
      const name = path.name ?? ''
      const current = store.get(def, namespace, name)
      let object: KObject
      if (verb === 'update') {
        object = await readObject(req)
        this.#checkKind(def, object)
        if (object.metadata.name !== name) {
          throw badRequest(
            'the name of the object (' +
              String(object.metadata.name) +
              ') does not match the name on the URL (' +
              name +
              ')',
          )
        }
      } else {
        object = applyPatch(current, await readBody(req), req.headers['content-type'] ?? '', def)
      }
      object.metadata.namespace = current.metadata.namespace
      if (def.namespaced === false) delete object.metadata.namespace
      const subresource = path.subresource === 'status' ? 'status' : undefined
      this.#warn(res, validateObject(def, object, url.searchParams.get('fieldValidation')))
      this.#admit('UPDATE', def, object, current, user, subresource)
      const updated = dryRun(url)
        ? object
        : store.update(def, object, subresource ? { subresource } : {})
      return this.#respond(req, res, url, def, 200, updated)
    }
    if (verb === 'delete') {
      const name = path.name ?? ''
      const options = await readDeleteOptions(req)
      const current = store.get(def, namespace, name)
      this.#admit('DELETE', def, undefined, current, user)
      if (dryRun(url)) return this.#respond(req, res, url, def, 200, current)
      const policy =
        url.searchParams.get('propagationPolicy') ??
        options.propagationPolicy ??
        (options.orphanDependents ? 'Orphan' : 'Background')
      if (!['Background', 'Foreground', 'Orphan'].includes(policy)) {
        throw invalid('meta.k8s.io', 'DeleteOptions', '', [
          {
            field: 'propagationPolicy',
            message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
          },
        ])
      }
      if (policy !== 'Background') {
        // The garbage collector acts on these finalizers (garbage-collector.ts).
        const finalizer = policy === 'Foreground' ? FOREGROUND : ORPHAN
        if (!current.metadata.finalizers?.includes(finalizer)) {
          store.update(def, {
            ...current,
            metadata: {
              ...current.metadata,
              finalizers: [...(current.metadata.finalizers ?? []), finalizer],
            },
          })
        }
      }
      const { object, finalized } = store.delete(def, namespace, name, options.preconditions ?? {})
      this.onDelete?.(def, object, policy)
      if (finalized && def.crd === false && def.kind !== 'Namespace') {
        // Built-in kinds answer a finished delete with a Success Status (pods and most core kinds
        // return the object; this matches `kubectl delete` output either way).
        return sendJson(res, 200, object)
      }
      return sendJson(res, finalized ? 200 : 202, object)
    }
    if (verb === 'deletecollection') {
      const selector = parseLabelSelector(url.searchParams.get('labelSelector') ?? undefined)
      const fields = parseFieldSelector(def, url.searchParams.get('fieldSelector') ?? undefined)
      const { items, revision } = store.list(def, namespace)
      const deleted = items.filter((o) => selector(o.metadata.labels) && fields(o))
      for (const o of deleted) {
        this.#admit('DELETE', def, undefined, o, user)
        const { object } = store.delete(def, o.metadata.namespace, o.metadata.name ?? '')
        this.onDelete?.(def, object, 'Background')
      }
      return sendJson(res, 200, listOf(def, deleted, String(revision)))
    }
    throw methodNotSupported(def.group, def.plural, verb)
  }

  /** Called after a delete so the garbage collector can remove dependents. */
  onDelete?: (def: ResourceDef, object: KObject, propagation: string) => void

  #authorize(user: UserInfo, verb: string, def: ResourceDef, path: ResourcePath): void {
    const authorize = this.#options.authorize
    if (!authorize) return
    const request = {
      user,
      verb,
      group: def.group,
      resource: def.plural,
      ...(path.subresource ? { subresource: path.subresource } : {}),
      ...(def.namespaced && path.namespace ? { namespace: path.namespace } : {}),
      ...(path.name ? { name: path.name } : {}),
    }
    if (!authorize(request)) {
      const resource = path.subresource ? `${def.plural}/${path.subresource}` : def.plural
      throw new StatusError(
        403,
        'Forbidden',
        `${def.plural}${def.group ? `.${def.group}` : ''}${path.name ? ` "${path.name}"` : ''} is forbidden: User "${user.username}" cannot ${verb} resource "${resource}" in API group "${def.group}" ${request.namespace ? `in the namespace "${request.namespace}"` : 'at the cluster scope'}`,
        {
          ...(path.name ? { name: path.name } : {}),
          ...(def.group ? { group: def.group } : {}),
          kind: def.plural,
        },
      )
    }
  }

  /** RFC 7234 `Warning` headers, as kube-apiserver sends them (kubectl prints "Warning: …"). */
  #warn(res: ServerResponse, warnings: string[]): void {
    if (warnings.length) res.setHeader('warning', warnings)
  }

  #authorizeNonResource(user: UserInfo, method: string, path: string): void {
    const authorize = this.#options.authorizeNonResource
    const verb = method.toLowerCase()
    if (!authorize || authorize(user, verb, path)) return
    throw new StatusError(
      403,
      'Forbidden',
      `forbidden: User "${user.username}" cannot ${verb} path "${path}"`,
      {},
    )
  }

  #admit(
    operation: 'CREATE' | 'UPDATE' | 'DELETE',
    def: ResourceDef,
    object: KObject | undefined,
    oldObject: KObject | undefined,
    user: UserInfo,
    subresource?: string,
  ): void {
    for (const hook of this.admission)
      hook({ operation, def, object, oldObject, user, ...(subresource ? { subresource } : {}) })
  }

  #checkKind(def: ResourceDef, object: KObject): void {
    if (object.kind && object.kind !== def.kind) {
      throw badRequest(
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${groupVersion(def)})`,
      )
    }
    object.kind = def.kind
    object.apiVersion ||= groupVersion(def)
  }

  /**
   * `resourceVersion` + `resourceVersionMatch` on a list (kube-apiserver's cacher semantics):
   * NotOlderThan (and a bare resourceVersion) is served from the current state unless the version
   * is in the future (504 "Too large resource version"); Exact is served only when the resource did
   * not change since that version — the simulator keeps no snapshots — else, like a compacted
   * etcd revision, 410 Expired.
   */
  #checkListResourceVersion(url: URL, def: ResourceDef): void {
    const requested = url.searchParams.get('resourceVersion') ?? ''
    const match = url.searchParams.get('resourceVersionMatch') ?? ''
    const { store } = this.#options
    if (match && !requested) {
      throw invalid('meta.k8s.io', 'ListOptions', '', [
        {
          field: 'resourceVersionMatch',
          message:
            'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
        },
      ])
    }
    if (match && !['Exact', 'NotOlderThan'].includes(match)) {
      throw invalid('meta.k8s.io', 'ListOptions', '', [
        {
          field: 'resourceVersionMatch',
          message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
        },
      ])
    }
    if (!requested || (requested === '0' && match !== 'Exact')) return
    const revision = Number(requested)
    if (!Number.isInteger(revision) || revision < 0)
      throw badRequest(`invalid resource version: ${requested}`)
    if (revision > store.revision) {
      throw new StatusError(
        504,
        'Timeout',
        `Timeout: Too large resource version: ${revision}, current: ${store.revision}`,
        {
          causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
          retryAfterSeconds: 1,
        },
      )
    }
    if (match === 'Exact' && !store.unchangedSince(def, revision))
      throw gone(`too old resource version: ${revision} (${store.revision})`)
  }

  #list(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    def: ResourceDef,
    namespace: string | undefined,
  ): void {
    const labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? undefined)
    const fields = parseFieldSelector(def, url.searchParams.get('fieldSelector') ?? undefined)
    this.#checkListResourceVersion(url, def)
    const { items, revision } = this.#options.store.peekList(def, namespace)
    let selected = items.filter((o) => labels(o.metadata.labels) && fields(o))
    const limit = Number(url.searchParams.get('limit') ?? 0)
    const token = url.searchParams.get('continue')
    let listRevision = String(revision)
    let remaining: number | undefined
    let next: string | undefined
    if (token) {
      const decoded = decodeContinue(token)
      listRevision = decoded.rv
      selected = selected.filter((o) => keyOf(o) > decoded.start)
    }
    if (limit > 0 && selected.length > limit) {
      remaining = selected.length - limit
      selected = selected.slice(0, limit)
      const last = selected[selected.length - 1]
      if (last) next = encodeContinue(listRevision, keyOf(last))
    }
    const metadata = {
      resourceVersion: listRevision,
      ...(next ? { continue: next, remainingItemCount: remaining } : {}),
    }
    if (wantsTable(req.headers.accept)) {
      return sendJson(
        res,
        200,
        toTable(def, selected, metadata, url.searchParams.get('includeObject') ?? undefined),
      )
    }
    sendJson(res, 200, { ...listOf(def, selected, listRevision), metadata })
  }

  #respond(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    def: ResourceDef,
    code: number,
    object: KObject,
  ): void {
    if (wantsTable(req.headers.accept)) {
      return sendJson(
        res,
        code,
        toTable(
          def,
          [object],
          { resourceVersion: object.metadata.resourceVersion },
          url.searchParams.get('includeObject') ?? undefined,
        ),
      )
    }
    sendJson(res, code, object)
  }
}

const keyOf = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`
const encodeContinue = (rv: string, start: string) =>
  Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url')
function decodeContinue(token: string): { rv: string; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as {
      rv?: unknown
      start?: unknown
    }
    if (typeof parsed.rv === 'string' && typeof parsed.start === 'string')
      return { rv: parsed.rv, start: parsed.start }
  } catch {
    // fall through to the error kube-apiserver gives for a garbled token
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  )
}

export function listOf(def: ResourceDef, items: KObject[], resourceVersion: string) {
  return {
    kind: `${def.kind}List`,
    apiVersion: groupVersion(def),
    metadata: { resourceVersion },
    items,
  }
}

function verbOrUndefined(method: string, path: ResourcePath, url: URL): string | undefined {
  try {
    return verbOf(method, path, url)
  } catch {
    return undefined
  }
}

function verbOf(method: string, path: ResourcePath, url: URL): string {
  const watch = ['1', 'true'].includes(url.searchParams.get('watch') ?? '')
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (path.name) return watch ? 'watch' : 'get'
      return watch ? 'watch' : 'list'
    case 'POST':
      // POST to a named object's subresource (`pods/eviction`) creates it.
      if (path.name && !path.subresource)
        throw new StatusError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        )
      return 'create'
    case 'PUT':
      return 'update'
    case 'PATCH':
      return 'patch'
    case 'DELETE':
      return path.name ? 'delete' : 'deletecollection'
    default:
      throw new StatusError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      )
  }
}

const dryRun = (url: URL) => url.searchParams.get('dryRun') === 'All'

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

const MAX_BODY = 3 * 1024 * 1024 // kube-apiserver's default request size limit

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBuffer(req)).toString('utf8')
}

export async function readBodyBuffer(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY)
      throw new StatusError(
        413,
        'RequestEntityTooLarge',
        'Request entity too large: limit is 3145728',
      )
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req)
  try {
    return JSON.parse(text)
  } catch (error) {
    throw badRequest(
      `Object 'Kind' is missing in '${text.slice(0, 100)}': ${(error as Error).message}`,
    )
  }
}

async function readObject(req: IncomingMessage): Promise<KObject> {
  // kubectl sends built-in kinds as protobuf (`kubectl create configmap …`).
  const body = (req.headers['content-type'] ?? '').startsWith(PROTOBUF_TYPE)
    ? decodeKubernetesProtobuf(await readBodyBuffer(req), builtinProtobufTables, (kind) => {
        throw new StatusError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (protobuf is decoded for ${Object.keys(builtinProtobufTables).join(', ')}, not ${kind})`,
        )
      })
    : await readJson(req)
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the body of the request was in an unknown format')
  const object = body as KObject
  object.metadata =
    typeof object.metadata === 'object' && object.metadata !== null ? object.metadata : {}
  return object
}

async function readDeleteOptions(req: IncomingMessage): Promise<{
  propagationPolicy?: string
  orphanDependents?: boolean
  preconditions?: { uid?: string; resourceVersion?: string }
}> {
  const text = await readBody(req)
  if (!text.trim()) return {}
  try {
    return JSON.parse(text) as { propagationPolicy?: string }
  } catch {
    throw badRequest('the body of the request was in an unknown format')
  }
}

export type { StoreEvent }
