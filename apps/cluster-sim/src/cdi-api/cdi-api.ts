// CDI's cdi-apiserver for the real control plane, as far as its aggregated API goes: the
// `upload.cdi.kubevirt.io` group (CDI v1.66.0 `pkg/apiserver/apiserver.go`), registered as
// cdi-operator does (`pkg/operator/resources/cluster/apiserver.go` `createAPIService`: APIService
// v1beta1.upload.cdi.kubevirt.io on the Service cdi/cdi-api) and served from this process beside
// virt-api on an HTTPS server of its own (aggregated-api/).
//  - Discovery and /healthz answer anyone (`isInfoEndpoint`).
//  - `POST .../namespaces/<ns>/uploadtokenrequests` must come from the front proxy; then, though
//    kube-apiserver authorized it already, cdi-apiserver asks again with a SubjectAccessReview for
//    `create` (`authorizer.go`), a denial being 401 with the reason as plain text. Allowed, it
//    answers 200 with the request and `status.token`, a signed upload token (upload-token.ts).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import type { KeyObject } from 'node:crypto'
import type { KubeClient } from '../cluster/kube-client.ts'
import { reviewAccess } from '../aggregated-api/access-review.ts'
import {
  startAggregatedServer,
  type AggregatedServer,
} from '../aggregated-api/aggregated-server.ts'
import {
  apiServiceName,
  ensureNamespace,
  registerApiService,
  serviceServerName,
  waitAvailable,
} from '../aggregated-api/api-service.ts'
import {
  frontProxyUser,
  loadRequestHeaderConfig,
  type RequestHeaderConfig,
} from '../aggregated-api/front-proxy.ts'
import { readBody, sendJson, sendText } from '../aggregated-api/http-replies.ts'
import { discoveryDocument, UPLOAD_GROUP, UPLOAD_RESOURCE, UPLOAD_VERSIONS } from './discovery.ts'
import { signingKey, uploadToken } from './upload-token.ts'

/** cdi-operator's namespace and `APIServerServiceName`. */
const CDI_API = { namespace: 'cdi', name: 'cdi-api' }

export interface CdiApiOptions {
  /** kube-apiserver as the simulator (system:masters): reviews, registration, the signing key. */
  client: KubeClient
  /** Certificates live in `<stateDir>/cdi-api`, so the caBundle stays valid across restarts. */
  stateDir: string
  /** 0 (default) picks a free port on 127.0.0.1. */
  port?: number
  /** Waits for the APIService to be Available (default 30 s). */
  availableTimeoutMs?: number
}

export type CdiApi = AggregatedServer

/** Starts cdi-apiserver's upload API, registers it and waits until the aggregator uses it. */
export async function startCdiApi(options: CdiApiOptions): Promise<CdiApi> {
  const { client } = options
  const requestHeader = await loadRequestHeaderConfig(client)
  await ensureNamespace(client, CDI_API.namespace)
  const key = await signingKey(client, CDI_API.namespace)
  return startAggregatedServer({
    certDir: join(options.stateDir, 'cdi-api'),
    name: 'cdi-api',
    serverName: serviceServerName(CDI_API),
    requestHeader,
    serve: (req, res) => serve(req, res, { client, requestHeader, key }),
    register: async (port, ca) => {
      await registerApiService(client, {
        service: { ...CDI_API, labels: { 'cdi.kubevirt.io': 'cdi-apiserver' } },
        group: UPLOAD_GROUP,
        versions: UPLOAD_VERSIONS,
        apiServiceLabels: { 'cdi.kubevirt.io': 'cdi-api' },
        port,
        ca,
      })
      await waitAvailable(
        client,
        UPLOAD_VERSIONS.map((version) => apiServiceName(UPLOAD_GROUP, version)),
        options.availableTimeoutMs,
      )
    },
    ...(options.port !== undefined ? { port: options.port } : {}),
  })
}

interface ServeContext {
  client: KubeClient
  requestHeader: RequestHeaderConfig
  key: KeyObject
}

/** The create route's path (`createPath`: the namespace as go-restful's pattern allows it). */
const createPath = new RegExp(
  `^/apis/${UPLOAD_GROUP.replaceAll('.', '\\.')}/([^/]+)/namespaces/([a-z0-9][a-z0-9-]*)/${UPLOAD_RESOURCE}$`,
)

async function serve(req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'https://cdi-api')
  const method = req.method ?? 'GET'
  if (method === 'GET') {
    if (pathname === '/healthz') return sendText(res, 200, 'OK')
    const document = discoveryDocument(pathname)
    if (document !== undefined) return sendJson(res, 200, document)
  }
  const match = createPath.exec(pathname)
  const version = match?.[1] ?? ''
  const namespace = match?.[2] ?? ''
  // go-restful's own answers for a path no route has, and for another method on one.
  if (!match || !(UPLOAD_VERSIONS as readonly string[]).includes(version))
    return sendText(res, 404, '404: Page Not Found')
  if (method !== 'POST') return sendText(res, 405, '405: Method Not Allowed')

  const user = frontProxyUser(req, ctx.requestHeader)
  if (typeof user === 'string') return sendText(res, 401, user)
  const decision = await reviewAccess(ctx.client, user, {
    namespace,
    verb: 'create',
    group: UPLOAD_GROUP,
    version,
    resource: UPLOAD_RESOURCE,
  })
  if (!decision.allowed) return sendText(res, 401, decision.reason)

  const request = decode(await readBody(req))
  // `writeErrorResponse`: the decoding error as plain text.
  if (typeof request === 'string') return sendText(res, 400, request)
  const pvcName = typeof request.spec?.pvcName === 'string' ? request.spec.pvcName : ''
  // The request decoded into the Go type and encoded again, with the token set.
  sendJson(res, 200, {
    ...(request.kind ? { kind: request.kind } : {}),
    ...(request.apiVersion ? { apiVersion: request.apiVersion } : {}),
    metadata: {
      ...request.metadata,
      creationTimestamp: request.metadata?.creationTimestamp ?? null,
    },
    spec: { pvcName },
    status: { token: uploadToken(ctx.key, { namespace, pvcName }) },
  })
}

interface UploadTokenRequest {
  kind?: string
  apiVersion?: string
  metadata?: Record<string, unknown>
  spec?: { pvcName?: unknown }
}

/** `json.Unmarshal` into the Go type: `null` leaves it empty, a non-object is an error. */
function decode(text: string): UploadTokenRequest | string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  if (value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value))
    return `json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type v1beta1.UploadTokenRequest`
  return value
}
