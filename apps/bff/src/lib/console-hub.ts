import { CloseCode } from '@vmdeck/shared'
import { basename } from 'node:path'
import WebSocket, { type RawData } from 'ws'
import { toBuffer } from './console-byte-reader.ts'
import { Handover, type ControlChange } from './console-handover.ts'
import { keepAlive } from './console-keepalive.ts'
import { HubMember } from './console-member.ts'
import { ClientMessage, RfbClientFramer, RfbServerFramer } from './console-rfb-framing.ts'
import type { SerialTranscript, VncRecording } from './console-recording.ts'
import { BYTES_PER_PIXEL, rfbServerHandshake, type RfbDesktop } from './console-rfb.ts'
import type { ConsoleTarget } from './console-target.ts'
import type { Identity } from './identity.ts'
import { closeQuietly, upstreamCloseCode } from './ws-relay.ts'

export interface HubSettings {
  keepaliveMs: number
  /** The controller: stop reading the cluster while more than this is queued toward it. */
  highWaterBytes: number
  /** A follower with more than this queued is dropped to a resync (it never slows the others). */
  followerMaxBufferedBytes: number
  /** A request for control is granted once the controller has been idle this long. */
  autoGrantMs: number
  handshakeTimeoutMs: number
}

export interface HubOptions {
  target: ConsoleTarget
  /** KubeVirt's stream, paused; for VNC past the BFF's own handshake (console-rfb.ts). */
  upstream: WebSocket
  /** VNC: the desktop announced to each browser. */
  desktop?: RfbDesktop
  /** What the upstream sent after its handshake, not yet relayed. */
  rest?: Buffer
  /** The bytes of the BFF's own handshake with the upstream. */
  handshakeBytes?: number
  settings: HubSettings
  /** The hub has ended (no member left, or the upstream closed): forget it. */
  onEnd: () => void
  /** Serial: the session's transcript, when its namespace is recorded. */
  transcript?: SerialTranscript
  /** VNC: the session's recording (the server's bytes with their times), when recorded. */
  vncRecording?: VncRecording
  /** Control changed hands (recorded and published by the caller). */
  onControlChanged?: (change: ControlChange) => void
}

/** ws's send options, one object for every frame (ws reads them, never keeps or changes them). */
const BINARY = { binary: true } as const

/**
 * One upstream console stream of a VM shared by several browsers: KubeVirt allows one session per
 * console (docs/KUBEVIRT-NOTES.md#consoles), so the BFF holds exactly one and fans it out. The
 * output goes to every member; input only from the controller (for VNC, per RFB message: a
 * follower's KeyEvent, PointerEvent and ClientCutText are dropped here, not merely hidden in its UI).
 */
export class ConsoleHub {
  readonly target: ConsoleTarget
  readonly upstream: WebSocket
  readonly members: HubMember[] = []
  /** Bytes read from the cluster (the BFF's own handshake included), and back-pressure pauses. */
  readonly stats = { bytesFromUpstream: 0, pauses: 0 }
  readonly handover: Handover
  #ended = false
  /** Browsers still in their handshake: the hub is not empty while one is. */
  readonly #joining = new Set<HubMember>()
  readonly #o: HubOptions
  readonly #framer: RfbServerFramer | undefined
  /** VNC: the last extended-clipboard capabilities, replayed to browsers joining later. */
  #clipboardCaps: Buffer | undefined
  readonly #stopKeepalive: () => void

  /** The recording of this stream (its id in the recordings API), when its namespace records. */
  get recordingId(): string | undefined {
    const file = this.#o.transcript?.file ?? this.#o.vncRecording?.file
    return file === undefined ? undefined : basename(file)
  }

  constructor(options: HubOptions) {
    this.#o = options
    this.target = options.target
    this.upstream = options.upstream
    const { desktop } = options
    this.#framer = desktop
      ? new RfbServerFramer(BYTES_PER_PIXEL, (width, height) => {
          desktop.width = width
          desktop.height = height
        })
      : undefined
    this.handover = new Handover(
      this.members,
      options.settings.autoGrantMs,
      (change) => this.#o.onControlChanged?.(change),
      options.transcript !== undefined || options.vncRecording !== undefined,
    )
    this.stats.bytesFromUpstream = (options.handshakeBytes ?? 0) + (options.rest?.length ?? 0)
    this.upstream.on('message', (data: RawData) => {
      const chunk = toBuffer(data)
      this.stats.bytesFromUpstream += chunk.length
      this.#fromUpstream(chunk)
    })
    this.upstream.on('close', (code, reason) => {
      const mapped = upstreamCloseCode(code, reason.toString())
      this.#end()
      for (const member of [...this.members, ...this.#joining]) {
        member.finish({ by: 'upstream', ...mapped })
        closeQuietly(member.client, mapped.code, mapped.reason)
      }
    })
    this.upstream.on('error', () => this.upstream.terminate())
    this.#stopKeepalive = keepAlive(this.upstream, options.settings.keepaliveMs, () =>
      this.closeAll(CloseCode.upstreamTimeout, 'The cluster stopped answering keepalives.'),
    )
    if (options.rest?.length) this.#fromUpstream(options.rest)
    this.upstream.resume()
  }

  get isEnded(): boolean {
    return this.#ended
  }

  /**
   * Adds a browser (its socket paused): for VNC after a handshake of its own. The first one, or
   * one that asked, controls; the others follow. Rejects if the handshake fails.
   */
  async join(
    identity: Identity,
    client: WebSocket,
    options: { presence: boolean; takeOver?: string },
  ): Promise<HubMember> {
    const member = new HubMember(identity, client, options.presence)
    if (client.readyState !== WebSocket.OPEN) {
      // The browser left while the console was being dialled.
      member.finish({ by: 'client', code: 1006, reason: 'closed before joining' })
      this.#leave(member)
      return member
    }
    this.#joining.add(member)
    client.on('close', (code, reason) => {
      member.finish({ by: 'client', code, reason: reason.toString() })
      this.#leave(member)
    })
    client.on('error', () => client.terminate())
    const stopKeepalive = keepAlive(client, this.#o.settings.keepaliveMs, () => {
      member.finish({ by: 'client', code: 1006, reason: 'no answer to keepalive' })
      client.terminate()
    })
    void member.ended.then(stopKeepalive)

    let rest: Buffer | undefined
    if (this.#o.desktop) {
      try {
        rest = await rfbServerHandshake(
          client,
          this.#o.desktop,
          this.#o.settings.handshakeTimeoutMs,
        )
      } catch (err) {
        this.#joining.delete(member)
        member.close(1008, `VNC handshake failed: ${(err as Error).message}`)
        this.#leave(member)
        throw err
      }
    }
    this.#joining.delete(member)
    if (member.isEnded || this.#ended) {
      if (!member.isEnded)
        member.close(CloseCode.upstreamLost, "The connection to the VM's console was lost.")
      this.#leave(member)
      return member
    }
    this.members.push(member)
    const framer = this.#o.desktop
      ? new RfbClientFramer((type, bytes) => this.#rfbFromClient(member, type, bytes))
      : undefined
    client.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) return this.handover.onMessage(member, toBuffer(data).toString('utf8'))
      const bytes = toBuffer(data)
      if (!framer) return this.#serialFromClient(member, bytes)
      framer.push(bytes)
      if (framer.error) member.close(1008, `The console sent ${framer.error}.`)
    })
    member.ready = true
    member.synced = this.#framer?.atBoundary ?? true
    if (member.synced && this.#clipboardCaps) this.#send(member, this.#clipboardCaps)
    this.handover.joined(member, options.takeOver)
    if (rest?.length) framer?.push(rest)
    client.resume()
    return member
  }

  /** Ends every member and the upstream from the server side. */
  closeAll(code: number, reason: string): void {
    this.#end()
    for (const member of [...this.members, ...this.#joining]) member.close(code, reason)
    closeQuietly(this.upstream, 1000, '')
  }

  #leave(member: HubMember): void {
    const at = this.members.indexOf(member)
    if (at >= 0) this.members.splice(at, 1)
    if (this.members.length === 0 && this.#joining.size === 0) {
      // The last browser left: KubeVirt's session is released at once.
      this.#end()
      closeQuietly(this.upstream, 1000, '')
    } else if (at >= 0) this.handover.left(member)
    if (member.role === 'controller' || this.members.length === 0) this.#resumeUpstream()
  }

  #end(): void {
    if (this.#ended) return
    this.#ended = true
    this.#stopKeepalive()
    this.handover.stop()
    void this.#o.transcript?.close()
    void this.#o.vncRecording?.close()
    this.#o.onEnd()
  }

  #fromUpstream(chunk: Buffer): void {
    const framer = this.#framer
    // Serial output has no message boundaries to find: every byte is one.
    const boundaries = framer ? framer.feed(chunk) : undefined
    this.#o.transcript?.write('guest', chunk)
    this.#o.vncRecording?.write(chunk)
    if (framer?.error)
      return this.closeAll(CloseCode.upstreamLost, `The VM's VNC server sent ${framer.error}.`)
    // §7.6.4 ServerCutText with a negative length carrying the capabilities flag (1 << 24).
    if (framer && chunk.readUInt8(0) === 3 && chunk.length >= 12 && chunk.readInt32BE(4) < 0)
      if (chunk.readUInt32BE(8) & (1 << 24)) this.#clipboardCaps = chunk
    // The controller first: its echo is on the wire before the followers' copies are written
    // (bench/console-fanout.ts). The same Buffer goes to everybody, never copied.
    const controller = this.handover.controller
    if (controller?.ready && controller.synced) this.#send(controller, chunk)
    // A snapshot: a member dropped to a resync leaves the list while it is walked.
    const members = this.members.length > 1 ? [...this.members] : this.members
    for (const member of members) {
      if (member === controller && member.synced) continue
      if (!member.ready) continue
      if (member.synced) this.#send(member, chunk)
      else if (!boundaries || boundaries.length > 0) {
        // A browser that joined mid-message starts at the next message.
        member.synced = true
        const from = boundaries ? (boundaries[0] ?? chunk.length) : 0
        if (this.#clipboardCaps) this.#send(member, this.#clipboardCaps)
        if (from < chunk.length) this.#send(member, from === 0 ? chunk : chunk.subarray(from))
      }
    }
  }

  #send(member: HubMember, bytes: Buffer): void {
    const { client } = member
    if (client.readyState !== WebSocket.OPEN) return
    member.stats.bytesToClient += bytes.length
    if (member.role === 'controller') {
      // Back pressure: the controller's browser sets the pace of the cluster's stream.
      if (client.bufferedAmount + bytes.length > this.#o.settings.highWaterBytes) {
        if (!this.upstream.isPaused) {
          this.stats.pauses++
          this.upstream.pause()
        }
        client.send(bytes, BINARY, () => this.#resumeUpstream())
      } else client.send(bytes, BINARY)
    } else if (client.bufferedAmount + bytes.length > this.#o.settings.followerMaxBufferedBytes)
      member.close(CloseCode.resync, 'This console fell behind; reconnecting to catch up.')
    else client.send(bytes, BINARY)
  }

  #resumeUpstream(): void {
    const controller = this.handover.controller
    const busy =
      controller !== undefined &&
      controller.client.bufferedAmount > this.#o.settings.highWaterBytes / 2
    if (this.upstream.isPaused && !this.#ended && !busy) this.upstream.resume()
  }

  #toUpstream(member: HubMember, bytes: Buffer): void {
    if (this.upstream.readyState !== WebSocket.OPEN) return
    member.stats.bytesToUpstream += bytes.length
    // A paste flood: stop reading the controller while the cluster's buffer is full.
    if (this.upstream.bufferedAmount + bytes.length > this.#o.settings.highWaterBytes) {
      if (!member.client.isPaused) member.client.pause()
      this.upstream.send(bytes, BINARY, () => {
        if (member.client.isPaused && !member.isEnded) member.client.resume()
      })
    } else this.upstream.send(bytes, BINARY)
  }

  #serialFromClient(member: HubMember, bytes: Buffer): void {
    if (member.role !== 'controller') {
      member.stats.droppedInput++
      return
    }
    member.lastInputAt = Date.now()
    this.#o.transcript?.write(member.user, bytes)
    this.#toUpstream(member, bytes)
  }

  #rfbFromClient(member: HubMember, type: number, bytes: Buffer): void {
    switch (type) {
      case ClientMessage.framebufferUpdateRequest:
        // Anybody may ask for updates (a joining browser asks for a full one, §7.5.3).
        return this.#toUpstream(member, bytes)
      case ClientMessage.setPixelFormat:
      case ClientMessage.setEncodings:
        // Pinned by the BFF for all viewers (console-rfb.ts): one stream, one format.
        return
      default:
        // KeyEvent, PointerEvent, ClientCutText: input, from the controller only.
        if (member.role !== 'controller') {
          member.stats.droppedInput++
          return
        }
        member.lastInputAt = Date.now()
        this.#toUpstream(member, bytes)
    }
  }
}
