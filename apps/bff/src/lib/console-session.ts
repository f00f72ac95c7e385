import { CloseCode } from '@vmdeck/shared'
import type { WebSocket } from 'ws'
import type { Cluster } from '../kube/cluster.ts'
import type { ConsoleRegistry, OpenConsole } from './console-registry.ts'
import { recheckConsole } from './console-recheck.ts'
import type { ConsoleTarget } from './console-target.ts'
import type { Identity } from './identity.ts'
import { closeReason } from './ws-close-codes.ts'
import { closeQuietly, WsRelay } from './ws-relay.ts'
import { openUpstream, UpstreamRefusal } from './ws-upstream.ts'

const MAX_TIMER_MS = 2 ** 31 - 1

export interface ConsoleSettings {
  keepaliveMs: number
  recheckMs: number
  highWaterBytes: number
  handshakeTimeoutMs: number | undefined
  registry: ConsoleRegistry
  /** Whether the identity's session ended (revoked or expired; idleness does not count). */
  sessionEnded: (identity: Identity) => boolean
  /** True once the BFF is shutting down: a console that opens late is closed at once. */
  closing: () => boolean
  log: { info(obj: object, msg: string): void }
  /** Records the open session (a task); the function it returns is called when it ends. */
  recordSession?: (
    cluster: Cluster,
    target: ConsoleTarget,
    identity: Identity,
  ) => (end: { by: string; code: number; reason: string }) => void
}

/**
 * One console from the upgraded browser socket to KubeVirt's `vnc` / `console` subresource, as the
 * user: dials the cluster, relays both ways, ends with the session, and re-checks the session and
 * RBAC while it is open. Resolves when the console has ended.
 */
export async function runConsole(
  client: WebSocket,
  cluster: Cluster,
  target: ConsoleTarget,
  identity: Identity,
  settings: ConsoleSettings,
): Promise<void> {
  const { kind, namespace, name } = target
  const { registry, log } = settings
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
  registry.add(entry)
  client.once('close', () => {
    for (const timer of timers) clearTimeout(timer)
    registry.delete(entry)
  })

  // A serial console, or VNC without preserveSession, takes the VM's one session over.
  const superseded = kind === 'serial' || !target.preserveSession ? registry.supersede(entry) : []

  let upstream: WebSocket
  try {
    upstream = await openUpstream({
      config: cluster.forUser(identity.token),
      namespace,
      name,
      subresource: kind === 'vnc' ? 'vnc' : 'console',
      ...(kind === 'vnc' ? { query: { preserveSession: String(target.preserveSession) } } : {}),
      ...(settings.handshakeTimeoutMs ? { handshakeTimeoutMs: settings.handshakeTimeoutMs } : {}),
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
    registry.delete(entry)
    closeQuietly(client, refusal.closeCode, refusal.message)
    return
  }
  if (client.readyState !== client.OPEN || settings.closing()) {
    registry.delete(entry)
    closeQuietly(upstream, 1000, '')
    return
  }

  const relay = new WsRelay(client, upstream, {
    keepaliveMs: settings.keepaliveMs,
    highWaterBytes: settings.highWaterBytes,
  })
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
  const sessionEnded = settings.recordSession?.(cluster, target, identity)

  // The console ends when the cookie session does.
  if (identity.session)
    timers.push(
      setTimeout(
        () => entry.end(CloseCode.unauthenticated, 'Your session expired; log in again.'),
        Math.min(Math.max(identity.session.exp - Date.now(), 0), MAX_TIMER_MS),
      ),
    )
  const recheckNow = () =>
    void recheckConsole(entry, settings.sessionEnded).then((verdict) => {
      if (verdict && !relay.isEnded) entry.end(verdict.code, verdict.reason)
    })
  const recheck = setInterval(recheckNow, settings.recheckMs)
  recheck.unref()
  timers.push(recheck)
  // RBAC or the user's groups changed: re-check at once, as event streams do.
  const unsubscribe = cluster.access.onInvalidate(recheckNow)

  const end = await relay.ended
  clearInterval(recheck)
  unsubscribe()
  sessionEnded?.(end)
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
