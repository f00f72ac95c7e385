import { CloseCode } from '@vmdeck/shared'
import type { ControlChange } from './console-handover.ts'
import { ConsoleHub, type HubSettings } from './console-hub.ts'
import type { ConsoleRegistry, OpenConsole } from './console-registry.ts'
import { SerialTranscript, VncRecording, type RecordingSettings } from './console-recording.ts'
import { rfbClientHandshake, serverHandshakeBytes } from './console-rfb.ts'
import type { ConsoleTarget } from './console-target.ts'
import { closeReason } from './ws-close-codes.ts'
import { closeQuietly } from './ws-relay.ts'
import { openUpstream, UpstreamRefusal } from './ws-upstream.ts'

export interface HubContext {
  registry: ConsoleRegistry
  hub: HubSettings
  /** Serial transcripts and VNC recordings of the namespaces configured for it (off when absent). */
  recordings?: RecordingSettings
  /** Control of a hub changed hands. */
  onControlChanged?: (hub: ConsoleHub, change: ControlChange) => void
}

/**
 * The VM console's hub on this BFF: the open one (after checking that this user may open the
 * console: the stream was opened with somebody else's credentials), or a new one dialled as this
 * user. Rejects with an UpstreamRefusal.
 */
export async function hubFor(
  entry: OpenConsole,
  target: ConsoleTarget,
  context: HubContext,
): Promise<ConsoleHub> {
  const { hubs } = context.registry
  for (let attempt = 0; attempt < 3; attempt++) {
    const pending = hubs.get(entry.key)
    if (!pending) return openHub(entry, target, context)
    const hub = await pending.catch(() => undefined)
    if (hub && !hub.isEnded) {
      await mayJoin(entry)
      return hub
    }
    // It failed or ended meanwhile: dial again (it left the map already).
  }
  throw new UpstreamRefusal(CloseCode.upstreamLost, 'The console could not be opened.')
}

async function mayJoin(entry: OpenConsole): Promise<void> {
  const subresource = entry.kind === 'vnc' ? 'vnc' : 'console'
  const decision = await entry.cluster.access
    .can(entry.identity.token, {
      verb: 'get',
      group: 'subresources.kubevirt.io',
      resource: 'virtualmachineinstances',
      subresource,
      namespace: entry.namespace,
      name: entry.name,
    })
    .catch(() => undefined)
  if (decision?.tokenRejected)
    throw new UpstreamRefusal(
      CloseCode.unauthenticated,
      'The cluster no longer accepts your credentials; log in again.',
    )
  // Unlike the re-check of an open console, a review that could not be made lets nobody in.
  if (!decision)
    throw new UpstreamRefusal(CloseCode.upstreamLost, 'Your access could not be checked.')
  if (!decision.allowed)
    throw new UpstreamRefusal(
      CloseCode.forbidden,
      `You are not allowed to open the ${entry.kind === 'vnc' ? 'VNC' : 'serial'} console of this VM.`,
    )
}

function openHub(
  entry: OpenConsole,
  target: ConsoleTarget,
  context: HubContext,
): Promise<ConsoleHub> {
  const { hubs } = context.registry
  const opening: Promise<ConsoleHub> = (async () => {
    const upstream = await openUpstream({
      config: entry.cluster.forUser(entry.identity.token),
      namespace: entry.namespace,
      name: entry.name,
      subresource: entry.kind === 'vnc' ? 'vnc' : 'console',
      ...(entry.kind === 'vnc'
        ? { query: { preserveSession: String(target.preserveSession) } }
        : {}),
      handshakeTimeoutMs: context.hub.handshakeTimeoutMs,
    })
    let handshake: Awaited<ReturnType<typeof rfbClientHandshake>> | undefined
    if (entry.kind === 'vnc') {
      try {
        handshake = await rfbClientHandshake(upstream, context.hub.handshakeTimeoutMs)
      } catch (err) {
        closeQuietly(upstream, 1000, '')
        throw new UpstreamRefusal(
          CloseCode.upstreamLost,
          closeReason(`The VM's VNC server: ${(err as Error).message}`),
        )
      }
    }
    const { recordings } = context
    const recorded = recordings?.namespaces.has(entry.namespace) === true
    const transcript =
      recorded && recordings && entry.kind === 'serial'
        ? new SerialTranscript(recordings, target.cluster, entry.namespace, entry.name)
        : undefined
    // From the desktop as the BFF's handshake left it, before any update: playable from its start.
    const vncRecording =
      recorded && recordings && handshake
        ? new VncRecording(
            recordings,
            target.cluster,
            entry.namespace,
            entry.name,
            serverHandshakeBytes(handshake.desktop),
          )
        : undefined
    const hub: ConsoleHub = new ConsoleHub({
      transcript,
      vncRecording,
      target,
      upstream,
      desktop: handshake?.desktop,
      rest: handshake?.rest,
      handshakeBytes: handshake?.handshakeBytes,
      settings: context.hub,
      onEnd: () => {
        if (hubs.get(entry.key) === opening) hubs.delete(entry.key)
      },
      onControlChanged: (change) => context.onControlChanged?.(hub, change),
    })
    return hub
  })()
  hubs.set(entry.key, opening)
  opening.catch(() => {
    if (hubs.get(entry.key) === opening) hubs.delete(entry.key)
  })
  return opening
}
