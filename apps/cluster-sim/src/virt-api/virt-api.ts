// virt-api for the real control plane: an HTTPS server of its own (own CA, serving certificate
// for virt-api.kubevirt.svc and 127.0.0.1, kept under the state directory) that kube-apiserver's
// aggregator proxies `subresources.kubevirt.io` to and calls as admission webhooks.
//  - Discovery, `version` and the webhooks need no client identity (virt-api's noAuthEndpoints;
//    kube-apiserver calls webhooks without a client certificate).
//  - Everything else must come from the front proxy: a client certificate of the request-header
//    CA with an allowed name, the user in X-Remote-* headers; then a SubjectAccessReview on
//    `resource/subresource` (a denial is virt-api's 401 with the reason as plain text).
//  - The subresources themselves, the consoles and the admitters are the simulator's KubeVirt
//    (kubevirt/subresources.ts, console-subresources.ts, admission.ts, eviction.ts).
import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { StatusError } from '../kube/status-error.ts'
import type { KubeClient } from '../cluster/kube-client.ts'
import {
  ConsoleSubresources,
  type ConsoleAccess,
  type ConsoleUser,
} from '../kubevirt/console-subresources.ts'
import type { GuestRegistry } from '../kubevirt/guest-registry.ts'
import type { SubresourceContext } from '../kubevirt/subresource-operations.ts'
import {
  callSubresource,
  isStreamSubresource,
  parseSubresourcePath,
  rbacVerb,
  SUBRESOURCE_GROUP,
  writeSubresourceReply,
} from '../kubevirt/subresources.ts'
import { ensureServingCerts } from '../tls/make-certs.ts'
import { reviewAccess, type ResourceAttributes } from './access-review.ts'
import { admissionReview, isWebhookPath, type WebhookContext } from './admission-webhooks.ts'
import { discoveryDocument } from './discovery.ts'
import {
  acceptClientCertificate,
  frontProxyUser,
  loadRequestHeaderConfig,
  type FrontProxyUser,
  type RequestHeaderConfig,
} from './front-proxy.ts'
import { registerVirtApi, VIRT_API_SERVER_NAME, waitAvailable } from './registration.ts'

/** What virt-api needs of the simulator's KubeVirt; a `KubevirtContext` is one. */
export type VirtApiContext = SubresourceContext &
  WebhookContext & {
    defs: SubresourceContext['defs'] & WebhookContext['defs']
  }

export interface VirtApiOptions {
  /** kube-apiserver as the simulator (system:masters): SubjectAccessReviews, registration. */
  client: KubeClient
  /** The simulator's KubeVirt over the informer cache (a ClusterStore). */
  kubevirt: VirtApiContext
  /** Certificates live in `<stateDir>/virt-api`, so caBundles stay valid across restarts. */
  stateDir: string
  /** Where running guests are found (the consoles' other end). */
  guests: GuestRegistry | (() => GuestRegistry | undefined)
  /** 0 (default) picks a free port on 127.0.0.1. */
  port?: number
  /** Waits for the APIServices to be Available (default 30 s). */
  availableTimeoutMs?: number
}

export interface VirtApi {
  /** `https://127.0.0.1:<port>`, virt-api's own address. */
  url: string
  /** PEM of the CA that signed virt-api's certificate (the caBundle registered). */
  ca: string
  /** The `vnc` and `console` WebSockets (open sessions, requests received). */
  consoles: ConsoleSubresources
  close(): Promise<void>
}

/** Starts virt-api, registers it with kube-apiserver and waits until the aggregator uses it. */
export async function startVirtApi(options: VirtApiOptions): Promise<VirtApi> {
  const { client, kubevirt } = options
  const certs = ensureServingCerts(join(options.stateDir, 'virt-api'), {
    caName: 'virt-api-ca',
    commonName: 'virt-api',
    dnsNames: [VIRT_API_SERVER_NAME, 'localhost'],
    ips: ['127.0.0.1'],
  })
  const requestHeader = await loadRequestHeaderConfig(client)
  const authorize = (user: FrontProxyUser, attributes: ResourceAttributes) =>
    reviewAccess(client, user, attributes)

  const consoles = new ConsoleSubresources({
    store: kubevirt.store,
    vmiDef: kubevirt.defs.vmi,
    authenticate: (req) => {
      const user = frontProxyUser(req, requestHeader)
      return typeof user === 'string' ? { code: 401, text: user } : user
    },
    authorize: async (access: ConsoleAccess) => {
      const { user, ...attributes } = access
      const decision = await authorize(user as ConsoleUser & FrontProxyUser, attributes)
      return decision.allowed ? undefined : { code: 401, text: decision.reason }
    },
    guests: options.guests,
  })

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res, { kubevirt, requestHeader, authorize }).catch((error: unknown) =>
      sendStatus(res, toStatusError(error)),
    )
  }
  const server: Server = createServer(
    {
      cert: certs.cert,
      key: certs.key,
      ca: requestHeader.clientCA,
      requestCert: true,
      // Checked per connection below: a client without a certificate may call the webhooks.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    handle,
  )
  server.on('secureConnection', (socket: TLSSocket) => {
    if (!acceptClientCertificate(socket, requestHeader)) socket.destroy()
  })
  server.on('upgrade', consoles.upgradeListener(handle))
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    )
  })
  const close = async () => {
    consoles.close()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  try {
    await registerVirtApi(client, { port, ca: certs.ca })
    await waitAvailable(client, options.availableTimeoutMs)
  } catch (error) {
    await close()
    throw error
  }
  return { url: `https://127.0.0.1:${port}`, ca: certs.ca, consoles, close }
}

interface ServeContext {
  kubevirt: VirtApiContext
  requestHeader: RequestHeaderConfig
  authorize(
    user: FrontProxyUser,
    attributes: ResourceAttributes,
  ): Promise<{
    allowed: boolean
    reason: string
  }>
}

async function serve(req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://virt-api')
  const method = req.method ?? 'GET'
  if (method === 'GET') {
    const document = discoveryDocument(url.pathname)
    if (document !== undefined) return sendJson(res, 200, document)
  }
  if (method === 'POST' && isWebhookPath(url.pathname)) {
    const review = parseJson(await readBody(req))
    return sendJson(res, 200, await admissionReview(ctx.kubevirt, url.pathname, review))
  }
  const user = frontProxyUser(req, ctx.requestHeader)
  if (typeof user === 'string') return sendText(res, 401, user)
  const target = parseSubresourcePath(url.pathname)
  if (!target) throw notFound()
  const decision = await ctx.authorize(user, {
    namespace: target.namespace,
    verb: rbacVerb(method),
    group: SUBRESOURCE_GROUP,
    version: target.version,
    resource: target.resource,
    subresource: target.subresource,
    name: target.name,
  })
  if (!decision.allowed) return sendText(res, 401, decision.reason)
  // The consoles answer upgrades (console-subresources.ts); a plain GET is gorilla's refusal.
  if (isStreamSubresource(target))
    throw new StatusError(
      400,
      'BadRequest',
      'websocket: the client is not using the websocket protocol: upgrade token not found in Connection header',
    )
  const body = method === 'PUT' ? await readBody(req) : ''
  writeSubresourceReply(res, await callSubresource(ctx.kubevirt, method, target, body))
}

const notFound = () =>
  new StatusError(404, 'NotFound', 'the server could not find the requested resource')

function toStatusError(error: unknown): StatusError {
  if (error instanceof StatusError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new StatusError(400, 'BadRequest', 'the request body is not JSON')
  }
}

/** kube-apiserver's request size limit is virt-api's too (it sits behind it). */
const MAX_BODY = 3 * 1024 * 1024

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY)
      throw new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body)
  res
    .writeHead(code, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    .end(text)
}

/** go-restful's `WriteErrorString`: the reason as the whole plain-text body. */
function sendText(res: ServerResponse, code: number, text: string): void {
  res
    .writeHead(code, {
      'content-type': 'text/plain',
      'content-length': Buffer.byteLength(text),
    })
    .end(text)
}

function sendStatus(res: ServerResponse, error: StatusError): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendJson(res, error.code, error.toStatus())
}
