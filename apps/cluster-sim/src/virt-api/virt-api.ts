// virt-api for the real control plane: an HTTPS server of its own (aggregated-api/: own CA,
// serving certificate for virt-api.kubevirt.svc and 127.0.0.1, kept under the state directory)
// that kube-apiserver's aggregator proxies `subresources.kubevirt.io` to and calls as admission
// webhooks.
//  - Discovery, `version` and the webhooks need no client identity (virt-api's noAuthEndpoints;
//    kube-apiserver calls webhooks without a client certificate).
//  - Everything else must come from the front proxy: a client certificate of the request-header
//    CA with an allowed name, the user in X-Remote-* headers; then a SubjectAccessReview on
//    `resource/subresource` (a denial is virt-api's 401 with the reason as plain text).
//  - The subresources themselves, the consoles and the admitters are the simulator's KubeVirt
//    (kubevirt/subresources.ts, console-subresources.ts, admission.ts, eviction.ts).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
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
import { reviewAccess, type ResourceAttributes } from '../aggregated-api/access-review.ts'
import { startAggregatedServer } from '../aggregated-api/aggregated-server.ts'
import {
  frontProxyUser,
  loadRequestHeaderConfig,
  type FrontProxyUser,
  type RequestHeaderConfig,
} from '../aggregated-api/front-proxy.ts'
import {
  notFound,
  parseJson,
  readBody,
  sendJson,
  sendText,
} from '../aggregated-api/http-replies.ts'
import { admissionReview, isWebhookPath, type WebhookContext } from './admission-webhooks.ts'
import { discoveryDocument } from './discovery.ts'
import { registerVirtApi, VIRT_API_SERVER_NAME, waitVirtApiAvailable } from './registration.ts'

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
  try {
    const server = await startAggregatedServer({
      certDir: join(options.stateDir, 'virt-api'),
      name: 'virt-api',
      serverName: VIRT_API_SERVER_NAME,
      requestHeader,
      serve: (req, res) => serve(req, res, { kubevirt, requestHeader, authorize }),
      upgrade: (fallback) => consoles.upgradeListener(fallback),
      register: async (port, ca) => {
        await registerVirtApi(client, { port, ca })
        await waitVirtApiAvailable(client, options.availableTimeoutMs)
      },
      ...(options.port !== undefined ? { port: options.port } : {}),
    })
    const close = async () => {
      consoles.close()
      await server.close()
    }
    return { url: server.url, ca: server.ca, consoles, close }
  } catch (error) {
    consoles.close()
    throw error
  }
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
