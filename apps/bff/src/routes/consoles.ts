import { CloseCode } from '@vmdeck/shared'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { HttpError } from '../kube/http-error.ts'
import type { ControlChange } from '../lib/console-handover.ts'
import type { ConsoleHub } from '../lib/console-hub.ts'
import { holderElsewhere } from '../lib/console-holder.ts'
import { recordingsFromEnv, type RecordingSettings } from '../lib/console-recording.ts'
import { ConsoleRegistry, type ConsoleInfo } from '../lib/console-registry.ts'
import { runConsole, type ConsoleSettings } from '../lib/console-session.ts'
import { consoleTarget, type ConsoleTarget } from '../lib/console-target.ts'
import type { Identity } from '../lib/identity.ts'
import { refuseUpgrade } from '../lib/upgrade-refusal.ts'
import { closeReason } from '../lib/ws-close-codes.ts'
import { closeQuietly } from '../lib/ws-relay.ts'
import { PLAIN_STREAM_PROTOCOL } from '../lib/ws-upstream.ts'
import { SESSION_COOKIE } from '../plugins/app/auth.ts'

export type { ConsoleInfo }

export interface ConsolesOptions {
  /** The only Origin a browser may open a console from (cross-site WebSocket hijacking). */
  publicOrigin: string
  /** Keepalive pings on both legs (default 20 s: proxies commonly drop connections idle for 60 s). */
  keepaliveMs?: number
  /** How often an open console re-checks its session and RBAC (default 5 s). */
  recheckMs?: number
  /** Open consoles per user (default 20). */
  maxPerUser?: number
  /** Back-pressure threshold per direction toward the controller and the cluster (default 1 MiB). */
  highWaterBytes?: number
  /** A follower with more than this queued is dropped to a resync (default 16 MiB: two full 1080p frames). */
  followerMaxBufferedBytes?: number
  /**
   * A request for control is granted once the controller has been idle this long (default
   * VMDECK_CONSOLE_AUTO_GRANT_SECONDS, else 30 s).
   */
  autoGrantMs?: number
  /**
   * Serial transcripts and VNC recordings (off by default): VMDECK_CONSOLE_RECORDINGS_DIR and
   * VMDECK_CONSOLE_RECORDING_NAMESPACES, retention VMDECK_CONSOLE_RECORDINGS_MAX_DAYS (30) and
   * VMDECK_CONSOLE_RECORDINGS_MAX_MIB (1024).
   */
  recordings?: RecordingSettings
  /** Time the cluster has to answer the upgrade (default 10 s). */
  handshakeTimeoutMs?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The consoles open on this BFF. */
    consoleRelays(): ConsoleInfo[]
  }
}

/**
 * `WS /api/v1/clusters/{c}/namespaces/{ns}/vms/{name}/vnc` and `…/serial`: the VM's VNC and serial
 * consoles, relayed to KubeVirt's `vnc` / `console` subresources as the user. Served from the
 * HTTP server's 'upgrade' event (only these paths), so the refusals before the upgrade (bad
 * input 400, foreign or missing Origin 403, no credentials 401) are plain HTTP answers, and all
 * else is a close code the browser can read (see lib/ws-close-codes.ts).
 */
async function consoles(fastify: FastifyInstance, options: ConsolesOptions): Promise<void> {
  const maxPerUser = options.maxPerUser ?? 20
  const log = fastify.log.child({ component: 'consoles' })
  const registry = new ConsoleRegistry()
  const closedBy: Record<string, string> = {
    client: 'the browser',
    upstream: 'KubeVirt',
    server: 'vmdeck',
  }
  let closing = false
  /** The session records (tasks) of this replica's consoles. */
  const localTasks = new Set<string>()
  const autoGrantSeconds = Number(process.env.VMDECK_CONSOLE_AUTO_GRANT_SECONDS ?? 30)
  if (!(autoGrantSeconds > 0))
    throw new Error('VMDECK_CONSOLE_AUTO_GRANT_SECONDS: a number of seconds above 0')
  const settings: ConsoleSettings = {
    recheckMs: options.recheckMs ?? 5_000,
    registry,
    hubs: {
      registry,
      hub: {
        keepaliveMs: options.keepaliveMs ?? 20_000,
        highWaterBytes: options.highWaterBytes ?? 1024 * 1024,
        followerMaxBufferedBytes: options.followerMaxBufferedBytes ?? 16 * 1024 * 1024,
        autoGrantMs: options.autoGrantMs ?? autoGrantSeconds * 1000,
        handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      },
      onControlChanged: (hub, change) => recordControlChange(hub, change),
      recordings: options.recordings ?? recordingsFromEnv(),
    },
    // A console in use is activity: only revocation and absolute expiry end it.
    sessionEnded: (identity) =>
      identity.session !== undefined &&
      fastify.sessionEnd(
        { ...identity.session, username: identity.username },
        { ignoreIdle: true },
      ) !== undefined,
    closing: () => closing,
    log,
    // Each console session is a task: who opened which console, and for how long; other
    // replicas read them to say who holds a console (lib/console-holder.ts).
    recordSession: (cluster, target, identity, role, recording) => {
      const tasks = fastify.tasksOf(cluster)
      const id = tasks.begin(
        identity,
        {
          action: 'console',
          target: { namespace: target.namespace, kind: 'VirtualMachine', name: target.name },
          // The recording's id: the Tasks page and the VM's timeline link to its player.
          parameters: { console: target.kind, role, recording },
        },
        true,
      )
      localTasks.add(id)
      return (end) => {
        localTasks.delete(id)
        void tasks.end(id, {
          outcome: 'Succeeded',
          message: `${target.kind === 'vnc' ? 'VNC' : 'Serial'} console closed by ${closedBy[end.by] ?? end.by}.`,
        })
      }
    },
    holderElsewhere: (cluster, target) =>
      holderElsewhere(cluster.tasks.running(), localTasks, target),
  }
  // Control changing hands is logged; a take-over, with its reason, is a task in the history too.
  function recordControlChange(hub: ConsoleHub, change: ControlChange): void {
    const { cluster, namespace, name, kind } = hub.target
    const what = kind === 'vnc' ? 'VNC' : 'serial'
    const fields = { cluster, namespace, name, console: kind }
    log.info(
      {
        ...fields,
        user: change.to.user,
        from: change.from?.user,
        how: change.how,
        reason: change.reason,
      },
      'console control changed',
    )
    const known = fastify.clusters.get(cluster)
    if (change.how !== 'taken-over' || !known) return
    const tasks = fastify.tasksOf(known)
    const id = tasks.begin(
      change.to.identity,
      {
        action: 'console',
        target: { namespace, kind: 'VirtualMachine', name },
        parameters: { console: kind, takeOver: change.reason, from: change.from?.user },
      },
      true,
    )
    void tasks.end(id, {
      outcome: 'Succeeded',
      message: `Took over the ${what} console${change.from ? ` from ${change.from.user}` : ''}: ${change.reason ?? ''}`,
    })
  }
  const wss = new WebSocketServer({
    noServer: true,
    // Keystrokes and pointer events are small; a paste is typed key by key by the browser.
    maxPayload: 256 * 1024,
    perMessageDeflate: false,
    handleProtocols: (offered) =>
      offered.has(PLAIN_STREAM_PROTOCOL) ? PLAIN_STREAM_PROTOCOL : false,
  })
  fastify.decorate('consoleRelays', () => registry.info())

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const parsed = consoleTarget(url)
    if (!parsed) {
      // Not ours. Node leaves an upgrade nobody answers hanging, so answer it when alone.
      if (fastify.server.listenerCount('upgrade') === 1)
        refuseUpgrade(socket, 404, `There is no WebSocket at ${url.pathname}.`, 'NOT_FOUND')
      return
    }
    socket.on('error', () => socket.destroy())
    if (closing) return refuseUpgrade(socket, 503, 'vmdeck is shutting down.', 'SHUTTING_DOWN')
    if (!parsed.ok) return refuseUpgrade(socket, 400, parsed.message, parsed.code)
    accept(req, socket, head, parsed.target).catch((err: unknown) => {
      log.error({ err }, 'console upgrade failed')
      refuseUpgrade(socket, 500, 'The console could not be opened.', 'INTERNAL')
    })
  }

  /** Checks Origin and credentials before the upgrade; then the console runs on its own. */
  async function accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    target: ConsoleTarget,
  ): Promise<void> {
    // Cross-site WebSocket hijacking: a cookie rides along from any page, so the page's Origin
    // must be ours, and a cookie without an Origin is refused too. Checked before anything
    // reaches the cluster.
    const { origin, authorization, cookie } = req.headers
    if (origin !== undefined && origin !== options.publicOrigin)
      return refuseUpgrade(
        socket,
        403,
        `Cross-site console refused: only pages of ${options.publicOrigin} may open consoles.`,
        'BAD_ORIGIN',
      )
    if (origin === undefined && !authorization?.startsWith('Bearer ') && cookie)
      return refuseUpgrade(
        socket,
        403,
        'Console refused: a browser request without Origin.',
        'BAD_ORIGIN',
      )
    let identity: Identity | undefined
    try {
      const found = await fastify.identify({
        authorization,
        sessionCookie: fastify.parseCookie(cookie ?? '')[SESSION_COOKIE],
        clientAddress: req.socket.remoteAddress ?? '',
      })
      identity = found?.identity
    } catch (err) {
      const status = err instanceof HttpError ? err.statusCode : 503
      return refuseUpgrade(socket, status, (err as Error).message, (err as HttpError).code)
    }
    // An unauthenticated caller gets no WebSocket at all.
    if (!identity)
      return refuseUpgrade(
        socket,
        401,
        'Log in first: no valid session or bearer token.',
        'UNAUTHENTICATED',
      )
    const user = identity
    wss.handleUpgrade(req, socket, head, (client) => {
      client.binaryType = 'nodebuffer'
      // Nothing from the browser is read until the upstream is open (no byte lost, none early).
      client.pause()
      const cluster = fastify.clusters.get(target.cluster)
      if (!cluster)
        return closeQuietly(client, 4404, closeReason(`There is no cluster "${target.cluster}".`))
      if (registry.countFor(user.username) >= maxPerUser)
        return closeQuietly(
          client,
          CloseCode.tooManyConsoles,
          `You have ${maxPerUser} consoles open; close one first.`,
        )
      void runConsole(client, cluster, target, user, settings)
    })
  }

  // Logout or "end this user's sessions", here or on another replica, ends their consoles.
  const unsubscribe = fastify.revocations.onRevoked((revocation) => registry.endRevoked(revocation))
  fastify.server.on('upgrade', onUpgrade)
  fastify.addHook('preClose', async () => {
    closing = true
    fastify.server.off('upgrade', onUpgrade)
    unsubscribe()
    registry.endAll(CloseCode.goingAway, 'vmdeck is restarting.')
    wss.close()
  })
}

export default fp(consoles, { name: 'consoles', dependencies: ['auth', 'clusters', 'tasks'] })
