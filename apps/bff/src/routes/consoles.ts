import { AuthorizationV1Api } from '@kubernetes/client-node'
import { ClusterId, K8sName, type ApiErrorBody } from '@vmdeck/shared'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createHash } from 'node:crypto'
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Cluster } from '../kube/cluster.ts'
import { matches } from '../kube/session-revocations.ts'
import { HttpError } from '../kube/http-error.ts'
import { CloseCode, closeReason } from '../lib/ws-close-codes.ts'
import { closeQuietly, WsRelay } from '../lib/ws-relay.ts'
import { openUpstream, PLAIN_STREAM_PROTOCOL, UpstreamRefusal } from '../lib/ws-upstream.ts'
import type { SessionData } from '../lib/session-cookie.ts'
import { SESSION_COOKIE } from '../plugins/app/auth.ts'
import { SECURITY_HEADERS } from '../plugins/external/security-headers.ts'

export interface ConsolesOptions {
  /** The only Origin a browser may open a console from (cross-site WebSocket hijacking). */
  publicOrigin: string
  /** Keepalive pings on both legs (default 20 s: proxies commonly drop connections idle for 60 s). */
  keepaliveMs?: number
  /** How often an open console re-checks its session and RBAC (default 5 s). */
  recheckMs?: number
  /** Open consoles per user (default 20). */
  maxPerUser?: number
  /** Back-pressure threshold per direction (default 1 MiB). */
  highWaterBytes?: number
  /** Time the cluster has to answer the upgrade (default 10 s). */
  handshakeTimeoutMs?: number
}

type ConsoleKind = 'vnc' | 'serial'

/** An open console as operators (and tests) see it: no credentials. */
export interface ConsoleInfo {
  user: string
  cluster: string
  namespace: string
  name: string
  console: ConsoleKind
  openedAt: number
  /** False while the cluster is being dialled. */
  connected: boolean
  bytesToClient: number
  bytesToUpstream: number
  /** How often reading the cluster stopped because the browser could not keep up. */
  pauses: number
  /** Bytes queued toward the browser right now. */
  bufferedToClient: number
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The consoles open on this BFF. */
    consoleRelays(): ConsoleInfo[]
  }
}
const PATH_RE = /^\/api\/v1\/clusters\/([^/]+)\/namespaces\/([^/]+)\/vms\/([^/]+)\/(vnc|serial)$/
// The same name rules as the REST routes (packages/shared schemas/common.ts).
const namePattern = new RegExp((K8sName as { pattern?: string }).pattern ?? '^$')
const clusterPattern = new RegExp((ClusterId as { pattern?: string }).pattern ?? '^$')
const MAX_TIMER_MS = 2 ** 31 - 1

interface ConsoleIdentity {
  token: string
  username: string
  via: 'cookie' | 'bearer'
  /** The cookie session: which consoles a logout or revocation ends, and when it expires. */
  session?: SessionData
}

interface OpenConsole {
  id: number
  key: string
  kind: ConsoleKind
  cluster: Cluster
  namespace: string
  name: string
  identity: ConsoleIdentity
  client: WebSocket
  relay?: WsRelay
  openedAt: number
  /** Another console of the same VM replaced this one (virt-handler drops the older session). */
  supersededBy?: string
  end(code: number, reason: string): void
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url')

/**
 * `WS /api/v1/clusters/{c}/namespaces/{ns}/vms/{name}/vnc` and `…/serial`: the VM's VNC and serial
 * consoles, relayed to KubeVirt's `vnc` / `console` subresources as the user. Served from the
 * HTTP server's 'upgrade' event (only these paths), so the refusals before the upgrade (bad
 * input 400, foreign or missing Origin 403, no credentials 401) are plain HTTP answers, and all
 * else is a close code the browser can read (see lib/ws-close-codes.ts).
 */
async function consoles(fastify: FastifyInstance, options: ConsolesOptions): Promise<void> {
  const keepaliveMs = options.keepaliveMs ?? 20_000
  const recheckMs = options.recheckMs ?? 5_000
  const maxPerUser = options.maxPerUser ?? 20
  const highWaterBytes = options.highWaterBytes ?? 1024 * 1024
  const log = fastify.log.child({ component: 'consoles' })

  const wss = new WebSocketServer({
    noServer: true,
    // Keystrokes and pointer events are small; a paste is typed key by key by the browser.
    maxPayload: 256 * 1024,
    perMessageDeflate: false,
    handleProtocols: (offered) =>
      offered.has(PLAIN_STREAM_PROTOCOL) ? PLAIN_STREAM_PROTOCOL : false,
  })
  const open = new Set<OpenConsole>()
  let nextId = 1
  let closing = false

  const openFor = (username: string) => [...open].filter((c) => c.identity.username === username)
  fastify.decorate('consoleRelays', () =>
    [...open].map((c) => ({
      user: c.identity.username,
      cluster: c.cluster.id,
      namespace: c.namespace,
      name: c.name,
      console: c.kind,
      openedAt: c.openedAt,
      connected: c.relay !== undefined,
      bytesToClient: c.relay?.stats.bytesToClient ?? 0,
      bytesToUpstream: c.relay?.stats.bytesToUpstream ?? 0,
      pauses: c.relay?.stats.pauses ?? 0,
      bufferedToClient: c.client.bufferedAmount,
    })),
  )

  // ---- the upgrade -------------------------------------------------------------------------
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const match = PATH_RE.exec(url.pathname)
    if (!match) {
      // Not ours. Node leaves an upgrade nobody answers hanging, so answer it when alone.
      if (fastify.server.listenerCount('upgrade') === 1)
        refuse(socket, 404, `There is no WebSocket at ${url.pathname}.`, 'NOT_FOUND')
      return
    }
    socket.on('error', () => socket.destroy())
    handleUpgrade(req, socket, head, url, match).catch((err: unknown) => {
      log.error({ err }, 'console upgrade failed')
      refuse(socket, 500, 'The console could not be opened.', 'INTERNAL')
    })
  }

  async function handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
    match: RegExpExecArray,
  ): Promise<void> {
    const [, clusterId = '', namespace = '', name = '', kindText = ''] = match
    const kind = kindText as ConsoleKind
    if (closing) return refuse(socket, 503, 'vmdeck is shutting down.', 'SHUTTING_DOWN')
    if (
      !clusterPattern.test(clusterId) ||
      clusterId.length > 253 ||
      !namePattern.test(namespace) ||
      namespace.length > 63 ||
      !namePattern.test(name) ||
      name.length > 63
    )
      return refuse(socket, 400, 'Cluster, namespace or VM name is not a valid name.', 'BAD_NAME')
    const preserve = url.searchParams.get('preserveSession')
    if (preserve !== null && preserve !== 'true' && preserve !== 'false')
      return refuse(socket, 400, 'preserveSession must be true or false.', 'BAD_QUERY')

    // Cross-site WebSocket hijacking: a cookie rides along from any page, so the page's Origin
    // must be ours, and a cookie without an Origin is refused too. Checked before anything
    // reaches the cluster.
    const origin = req.headers.origin
    const authorization = req.headers.authorization
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : ''
    if (origin !== undefined && origin !== options.publicOrigin)
      return refuse(
        socket,
        403,
        `Cross-site console refused: only pages of ${options.publicOrigin} may open consoles.`,
        'BAD_ORIGIN',
      )
    if (origin === undefined && !bearer && req.headers.cookie)
      return refuse(socket, 403, 'Console refused: a browser request without Origin.', 'BAD_ORIGIN')

    let identity: ConsoleIdentity | undefined
    if (bearer) {
      try {
        const who = await fastify.whoAmI(bearer, req.socket.remoteAddress)
        identity = { token: bearer, username: who.username, via: 'bearer' }
      } catch (err) {
        const status = err instanceof HttpError ? err.statusCode : 503
        return refuse(socket, status, (err as Error).message, (err as HttpError).code)
      }
    } else {
      const cookie = fastify.parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE]
      const session = fastify.sessions.open(cookie)
      if (session && !fastify.revocations.ready)
        return refuse(socket, 503, 'vmdeck cannot check sessions yet.', 'SESSIONS_UNAVAILABLE')
      if (session && fastify.sessionEnd(session) === undefined)
        identity = { token: session.token, username: session.username, via: 'cookie', session }
    }
    // Refused before the upgrade: an unauthenticated caller gets no WebSocket at all.
    if (!identity)
      return refuse(
        socket,
        401,
        'Log in first: no valid session or bearer token.',
        'UNAUTHENTICATED',
      )

    wss.handleUpgrade(req, socket, head, (client) => {
      client.binaryType = 'nodebuffer'
      // Nothing from the browser is read until the upstream is open (no byte lost, none early).
      client.pause()
      const cluster = fastify.clusters.get(clusterId)
      if (!cluster)
        return closeQuietly(client, 4404, closeReason(`There is no cluster "${clusterId}".`))
      if (openFor(identity.username).length >= maxPerUser)
        return closeQuietly(
          client,
          CloseCode.tooManyConsoles,
          `You have ${maxPerUser} consoles open; close one first.`,
        )
      void startConsole(client, {
        kind,
        cluster,
        namespace,
        name,
        identity,
        preserveSession: preserve !== 'false',
      })
    })
  }

  async function startConsole(
    client: WebSocket,
    target: {
      kind: ConsoleKind
      cluster: Cluster
      namespace: string
      name: string
      identity: ConsoleIdentity
      preserveSession: boolean
    },
  ): Promise<void> {
    const { kind, cluster, namespace, name, identity } = target
    const fields = {
      user: identity.username,
      cluster: cluster.id,
      namespace,
      name,
      console: kind,
      via: identity.via,
    }
    const timers: NodeJS.Timeout[] = []
    const entry: OpenConsole = {
      id: nextId++,
      key: `${cluster.id}/${namespace}/${name}/${kind}`,
      kind,
      cluster,
      namespace,
      name,
      identity,
      client,
      openedAt: Date.now(),
      end(code, reason) {
        if (entry.relay) entry.relay.close(code, reason)
        else closeQuietly(client, code, reason)
      },
    }
    open.add(entry)
    client.once('close', () => {
      for (const timer of timers) clearTimeout(timer)
      open.delete(entry)
    })

    // virt-handler drops the older session of this VM as soon as it accepts the new one, which
    // can be before the new one's 101 reaches us (through kube-apiserver's aggregator it usually
    // is): mark the older ones first, so their end reads "taken over", and unmark on failure.
    const takesOver = kind === 'serial' || !target.preserveSession
    const superseded = takesOver
      ? [...open].filter(
          (other) => other !== entry && other.key === entry.key && other.supersededBy === undefined,
        )
      : []
    for (const other of superseded) other.supersededBy = identity.username

    let upstream: WebSocket
    try {
      upstream = await openUpstream({
        config: cluster.forUser(identity.token),
        namespace,
        name,
        subresource: kind === 'vnc' ? 'vnc' : 'console',
        ...(kind === 'vnc' ? { query: { preserveSession: String(target.preserveSession) } } : {}),
        ...(options.handshakeTimeoutMs ? { handshakeTimeoutMs: options.handshakeTimeoutMs } : {}),
      })
    } catch (err) {
      for (const other of superseded) other.supersededBy = undefined
      const refusal =
        err instanceof UpstreamRefusal
          ? err
          : new UpstreamRefusal(CloseCode.upstreamLost, 'The console could not be opened.')
      log.info(
        { ...fields, code: refusal.closeCode, status: refusal.status, reason: refusal.message },
        'console refused',
      )
      open.delete(entry)
      closeQuietly(client, refusal.closeCode, refusal.message)
      return
    }
    if (client.readyState !== client.OPEN || closing) {
      open.delete(entry)
      closeQuietly(upstream, 1000, '')
      return
    }

    const relay = new WsRelay(client, upstream, { keepaliveMs, highWaterBytes })
    entry.relay = relay
    const defaultMapping = relay.upstreamCloseCode
    relay.upstreamCloseCode = (code, reason) =>
      entry.supersededBy !== undefined
        ? {
            code: CloseCode.takenOver,
            reason: closeReason(`${entry.supersededBy} opened this console elsewhere.`),
          }
        : defaultMapping(code, reason)
    client.resume()
    log.info({ ...fields, preserveSession: target.preserveSession }, 'console opened')

    // The session ends when the cookie does.
    if (identity.session)
      timers.push(
        setTimeout(
          () => entry.end(CloseCode.unauthenticated, 'Your session expired; log in again.'),
          Math.min(Math.max(identity.session.exp - Date.now(), 0), MAX_TIMER_MS),
        ),
      )
    // Re-check the session and RBAC while the console is open.
    const recheck = setInterval(() => {
      void stillAllowed(entry).then((verdict) => {
        if (verdict && !relay.isEnded) entry.end(verdict.code, verdict.reason)
      })
    }, recheckMs)
    recheck.unref()
    timers.push(recheck)

    const end = await relay.ended
    clearInterval(recheck)
    log.info(
      {
        ...fields,
        closedBy: end.by,
        code: end.code,
        reason: end.reason,
        durationMs: Date.now() - entry.openedAt,
        bytesToClient: relay.stats.bytesToClient,
        bytesToUpstream: relay.stats.bytesToUpstream,
      },
      'console closed',
    )
  }

  // ---- re-checks ---------------------------------------------------------------------------
  /** SelfSubjectAccessReviews, shared by the consoles of one user and VM for half an interval. */
  const reviews = new Map<
    string,
    { at: number; verdict: Promise<boolean | 'unauthenticated' | undefined> }
  >()
  const ssarUnsupported = new Map<string, number>()

  async function stillAllowed(
    entry: OpenConsole,
  ): Promise<{ code: number; reason: string } | undefined> {
    const { identity } = entry
    // A console in use is activity: only revocation and absolute expiry end it here.
    if (identity.session && fastify.sessionEnd(identity.session, { ignoreIdle: true }))
      return { code: CloseCode.unauthenticated, reason: 'Your session ended; log in again.' }
    const verdict = await review(entry)
    if (verdict === 'unauthenticated')
      return {
        code: CloseCode.unauthenticated,
        reason: 'The cluster no longer accepts your credentials; log in again.',
      }
    if (verdict === false)
      return { code: CloseCode.forbidden, reason: 'Your access to this console was revoked.' }
    return undefined
  }

  function review(entry: OpenConsole): Promise<boolean | 'unauthenticated' | undefined> {
    const unsupportedAt = ssarUnsupported.get(entry.cluster.id)
    if (unsupportedAt !== undefined && Date.now() - unsupportedAt < 60_000)
      return Promise.resolve(undefined)
    const key = `${digest(entry.identity.token)}|${entry.key}`
    const cached = reviews.get(key)
    if (cached && Date.now() - cached.at < recheckMs / 2) return cached.verdict
    const api = entry.cluster.forUser(entry.identity.token).makeApiClient(AuthorizationV1Api)
    const verdict = api
      .createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              group: 'subresources.kubevirt.io',
              version: 'v1',
              resource: 'virtualmachineinstances',
              subresource: entry.kind === 'vnc' ? 'vnc' : 'console',
              verb: 'get',
              namespace: entry.namespace,
              name: entry.name,
            },
          },
        },
      })
      .then(
        (result) => result.status?.allowed === true,
        (err: unknown) => {
          const code = (err as { code?: number }).code
          if (code === 401) return 'unauthenticated' as const
          if (code === 404) ssarUnsupported.set(entry.cluster.id, Date.now())
          return undefined // cannot tell (cluster briefly away): keep the console
        },
      )
    reviews.set(key, { at: Date.now(), verdict })
    if (reviews.size > 10_000) reviews.clear()
    return verdict
  }

  // ---- logout (here or on another replica) ends the consoles of that session ---------------
  const unsubscribe = fastify.revocations.onRevoked((revocation) => {
    for (const entry of open) {
      const session = entry.identity.session
      if (session && matches(revocation, session))
        entry.end(
          CloseCode.unauthenticated,
          revocation.kind === 'session'
            ? 'You logged out.'
            : 'An administrator ended your sessions; log in again.',
        )
    }
  })

  fastify.server.on('upgrade', onUpgrade)
  fastify.addHook('preClose', async () => {
    closing = true
    fastify.server.off('upgrade', onUpgrade)
    unsubscribe()
    for (const entry of open) entry.end(CloseCode.goingAway, 'vmdeck is restarting.')
    wss.close()
  })
}

/** A refusal before the upgrade: a plain HTTP answer in the shared error shape. */
function refuse(socket: Duplex, statusCode: number, message: string, code?: string): void {
  if (!socket.writable) return void socket.destroy()
  const body: ApiErrorBody = {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(code ? { code } : {}),
  }
  const text = JSON.stringify(body)
  socket.end(
    `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      Object.entries(SECURITY_HEADERS)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n\r\n' +
      text,
  )
}

export default fp(consoles, { name: 'consoles', dependencies: ['auth', 'clusters'] })
