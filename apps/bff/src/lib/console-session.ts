import { CloseCode, type ConsoleRole } from '@vmdeck/shared'
import type { WebSocket } from 'ws'
import type { Cluster } from '../kube/cluster.ts'
import type { ConsoleRegistry, OpenConsole } from './console-registry.ts'
import { recheckConsole } from './console-recheck.ts'
import type { ConsoleTarget } from './console-target.ts'
import type { Identity } from './identity.ts'
import type { ConsoleHub } from './console-hub.ts'
import { hubFor, type HubContext } from './console-hub-open.ts'
import type { HubMember } from './console-member.ts'
import { closeReason } from './ws-close-codes.ts'
import { closeQuietly } from './ws-relay.ts'
import { UpstreamRefusal } from './ws-upstream.ts'

const MAX_TIMER_MS = 2 ** 31 - 1

export interface ConsoleSettings {
  recheckMs: number
  registry: ConsoleRegistry
  /** The shared upstreams (one per VM console) and their settings. */
  hubs: HubContext
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
    role: ConsoleRole,
    /** The recording the session is part of (its id), when the namespace records. */
    recording: string | undefined,
  ) => (end: { by: string; code: number; reason: string }) => void
  /** Who holds the console on another replica (a sentence), when this one cannot open it. */
  holderElsewhere?: (cluster: Cluster, target: ConsoleTarget) => string | undefined
}

/**
 * One browser's console: joins the VM console's hub (the one upstream to KubeVirt's `vnc` /
 * `console` subresource, dialled as the first user; see console-hub.ts), as controller or
 * follower; ends with the session, and re-checks the session and RBAC while it is open.
 * Resolves when this browser's console has ended.
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
      if (entry.member) entry.member.close(code, reason)
      else closeQuietly(client, code, reason)
    },
  }
  registry.add(entry)
  client.once('close', () => {
    for (const timer of timers) clearTimeout(timer)
    registry.delete(entry)
  })

  let hub: ConsoleHub
  try {
    hub = await hubFor(entry, target, settings.hubs)
  } catch (err) {
    let refusal =
      err instanceof UpstreamRefusal
        ? err
        : new UpstreamRefusal(CloseCode.upstreamLost, 'The console could not be opened.')
    // KubeVirt says only "in use": the session records say who, if it is another replica.
    const holder =
      refusal.closeCode === CloseCode.sessionInUse
        ? settings.holderElsewhere?.(cluster, target)
        : undefined
    if (holder)
      refusal = new UpstreamRefusal(refusal.closeCode, closeReason(holder), refusal.status)
    log.info(
      { ...fields, code: refusal.closeCode, status: refusal.status, reason: refusal.message },
      'console refused',
    )
    registry.delete(entry)
    closeQuietly(client, refusal.closeCode, refusal.message)
    return
  }
  if (settings.closing()) {
    registry.delete(entry)
    closeQuietly(client, CloseCode.goingAway, 'vmdeck is restarting.')
    return
  }
  entry.hub = hub
  let member: HubMember
  try {
    // VNC without preserveSession: the user asked to take the console over.
    member = await hub.join(identity, client, {
      presence: target.presence,
      ...(kind === 'vnc' && !target.preserveSession
        ? { takeOver: 'Opened the console with take-over.' }
        : {}),
    })
  } catch {
    registry.delete(entry)
    return
  }
  if (member.isEnded) {
    registry.delete(entry)
    return
  }
  entry.member = member
  log.info(
    { ...fields, preserveSession: target.preserveSession, role: member.role },
    'console opened',
  )
  const sessionEnded = settings.recordSession?.(
    cluster,
    target,
    identity,
    member.role,
    hub.recordingId,
  )

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
      if (verdict && !member.isEnded) entry.end(verdict.code, verdict.reason)
    })
  const recheck = setInterval(recheckNow, settings.recheckMs)
  recheck.unref()
  timers.push(recheck)
  // RBAC or the user's groups changed: re-check at once, as event streams do.
  const unsubscribe = cluster.access.onInvalidate(recheckNow)

  const end = await member.ended
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
      bytesToClient: member.stats.bytesToClient,
      bytesToUpstream: member.stats.bytesToUpstream,
      droppedInput: member.stats.droppedInput,
    },
    'console closed',
  )
}
