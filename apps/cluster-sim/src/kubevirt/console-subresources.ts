// KubeVirt's WebSocket subresources `vnc` and `console` of a VirtualMachineInstance, served the
// way kube-apiserver + virt-api + virt-handler answer them (docs/KUBEVIRT-NOTES.md#consoles):
// authentication, then virt-api's SubjectAccessReview (denial = 401 with a plain-text reason),
// then the VMI checks (Status JSON 404/400/409 before any upgrade), then virt-handler's session
// exclusivity, then an upgrade offering only `plain.kubevirt.io` and a raw byte bridge to the
// guest's VNC or serial socket in binary frames (inbound text frames are dropped).
// Who authenticates and authorizes is the caller's: virt-api's aggregated server (src/virt-api)
// reads the front proxy's headers and asks kube-apiserver with a SubjectAccessReview.
import { STATUS_CODES, ServerResponse, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { ResourceDef } from '../kube/registry.ts'
import { StatusError, notFound } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import type { ControllerStore } from '../controllers/controller-store.ts'
import type { QemuGuest } from '../guest/qemu-guest.ts'
import type { GuestRegistry } from './guest-registry.ts'

export const PLAIN_STREAM_PROTOCOL = 'plain.kubevirt.io'
export type ConsoleKind = 'vnc' | 'console'

/** Which console a request path asks for. */
export interface ConsoleTarget {
  version: string
  namespace: string
  name: string
  kind: ConsoleKind
}

const VIRT_API_PATH =
  /^\/apis\/subresources\.kubevirt\.io\/(v1|v1alpha3)\/namespaces\/([^/]+)\/virtualmachineinstances\/([^/]+)\/(vnc|console)$/

/** virt-api's paths, as kube-apiserver's aggregator forwards them. */
export function virtApiConsolePath(pathname: string): ConsoleTarget | undefined {
  const match = VIRT_API_PATH.exec(pathname)
  if (!match) return undefined
  const [, version = '', namespace = '', name = '', kind = ''] = match
  return {
    version,
    namespace: decodeURIComponent(namespace),
    name: decodeURIComponent(name),
    kind: kind as ConsoleKind,
  }
}
/** What virt-handler answers a second VNC client that asked to preserve the first one's session. */
export const ACTIVE_VNC_MESSAGE = 'Active VNC connection. Request denied.'
/** virt-handler's read/write buffers are 10 KiB; a larger message from a client is refused. */
const MAX_PAYLOAD = 1024 * 1024
/** Stop reading the guest while this much is queued toward the client (and resume below half). */
const HIGH_WATER = 512 * 1024

/** A refusal answered to the upgrade request: a Status (JSON) or a plain-text body. */
export type ConsoleRefusal = StatusError | { code: number; text: string }

/** The user a console is opened for (as the authentication step found them). */
export interface ConsoleUser {
  username: string
}

/** What virt-api asks in its SubjectAccessReview for a console. */
export interface ConsoleAccess {
  user: ConsoleUser
  verb: 'get'
  group: 'subresources.kubevirt.io'
  version: string
  resource: 'virtualmachineinstances'
  subresource: ConsoleKind
  namespace: string
  name: string
}

type Maybe<T> = T | Promise<T>

export interface ConsoleSubresourceOptions {
  /** Where VMIs are read: the informer cache. */
  store: Pick<ControllerStore, 'peek'>
  vmiDef: ResourceDef
  /** Who is asking, or how to refuse someone unauthenticated. */
  authenticate(req: IncomingMessage): Maybe<ConsoleUser | ConsoleRefusal>
  /** virt-api's SubjectAccessReview: undefined lets the request through, a refusal denies it. */
  authorize?(access: ConsoleAccess): Maybe<ConsoleRefusal | undefined>
  /** Where running guests are found; a function while the VMI controller's registry is wired. */
  guests: GuestRegistry | (() => GuestRegistry | undefined)
  /** The paths served (default: virt-api's). */
  parsePath?: (pathname: string) => ConsoleTarget | undefined
}

/** One open console connection, as virt-handler tracks it. */
export interface ConsoleSession {
  kind: ConsoleKind
  namespace: string
  name: string
  user: string
  openedAt: number
  /** Pings the client sent (keepalives of a proxy in front). */
  pings: number
  bytesToClient: number
  bytesFromClient: number
  /** Set once closed, with the reason virt-handler would have. */
  closedBy?: 'client' | 'guest' | 'takeover' | 'shutdown'
}

interface LiveSession extends ConsoleSession {
  ws: WebSocket
  guestSocket: Socket
  end(by: NonNullable<ConsoleSession['closedBy']>): void
}

/** A record of each upgrade request received, so tests can tell what reached the cluster. */
export interface ConsoleRequestRecord {
  path: string
  user: string | undefined
  status: number
}

export class ConsoleSubresources {
  readonly #options: ConsoleSubresourceOptions
  #guests: GuestRegistry | (() => GuestRegistry | undefined)
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD,
    perMessageDeflate: false,
    // gorilla's Upgrader{Subprotocols: ["plain.kubevirt.io"]}: echo it when offered, otherwise
    // answer with no Sec-WebSocket-Protocol header at all.
    handleProtocols: (protocols) =>
      protocols.has(PLAIN_STREAM_PROTOCOL) ? PLAIN_STREAM_PROTOCOL : false,
  })
  readonly #sessions = new Set<LiveSession>()
  /** The last upgrade requests (bounded). */
  readonly requests: ConsoleRequestRecord[] = []

  constructor(options: ConsoleSubresourceOptions) {
    this.#options = options
    this.#guests = options.guests
  }

  /** Serve guests from this registry instead (tests that start their own QemuGuests). */
  useGuests(guests: GuestRegistry): void {
    this.#guests = guests
  }

  /**
   * An 'upgrade' listener for virt-api's HTTPS server: console subresources are served
   * here; any other upgrade request is answered as the plain HTTP request it also is (by
   * `fallback`, the server's request handler), as kube-apiserver does for paths that do not stream.
   */
  upgradeListener(
    fallback: (req: IncomingMessage, res: ServerResponse) => void,
  ): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
    return (req, socket, head) => {
      if (this.handleUpgrade(req, socket, head)) return
      socket.on('error', () => socket.destroy())
      const res = new ServerResponse(req)
      res.shouldKeepAlive = false
      res.assignSocket(socket as Socket)
      res.on('finish', () => socket.end())
      fallback(req, res)
    }
  }

  /** Open sessions, optionally of one VMI and kind. */
  sessions(
    filter: { namespace?: string; name?: string; kind?: ConsoleKind } = {},
  ): ConsoleSession[] {
    return [...this.#sessions].filter(
      (s) =>
        (filter.namespace === undefined || s.namespace === filter.namespace) &&
        (filter.name === undefined || s.name === filter.name) &&
        (filter.kind === undefined || s.kind === filter.kind),
    )
  }

  /**
   * The HTTPS server's 'upgrade' listener. Returns false (and leaves the socket alone) when the
   * path is not a console subresource.
   */
  handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const url = new URL(req.url ?? '/', 'https://localhost')
    const target = (this.#options.parsePath ?? virtApiConsolePath)(url.pathname)
    if (!target) return false
    socket.on('error', () => socket.destroy())
    void this.#serve(req, socket, head, { url, ...target })
    return true
  }

  async #serve(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    target: ConsoleTarget & { url: URL },
  ): Promise<void> {
    const { url, kind } = target
    let user: ConsoleUser | undefined
    const record = (status: number) => {
      this.requests.push({ path: url.pathname, user: user?.username, status })
      if (this.requests.length > 1000) this.requests.splice(0, this.requests.length - 1000)
    }
    const refuse = (error: ConsoleRefusal) => {
      record(error.code)
      writeHttpError(socket, error)
    }
    try {
      if (req.method !== 'GET')
        return refuse(
          new StatusError(
            405,
            'MethodNotAllowed',
            `${req.method} is not supported on virtualmachineinstances/${kind}`,
          ),
        )
      // kube-apiserver authenticates before the request reaches virt-api.
      const who = await this.#options.authenticate(req)
      if (!('username' in who)) return refuse(who)
      user = who
      // virt-api: SubjectAccessReview; a denial is 401 with the review's reason as plain text.
      const denied = await this.#options.authorize?.({
        user: who,
        verb: 'get',
        group: 'subresources.kubevirt.io',
        version: target.version,
        resource: 'virtualmachineinstances',
        subresource: kind,
        namespace: target.namespace,
        name: target.name,
      })
      if (denied) return refuse(denied)
      const vmi = this.#fetchVmi(target.namespace, target.name)
      if (kind === 'vnc') validateForVnc(vmi)
      else validateForConsole(vmi)
      const registry = typeof this.#guests === 'function' ? this.#guests() : this.#guests
      const guest = registry?.get(vmi.metadata.namespace ?? '', vmi.metadata.name ?? '')
      if (!guest?.running)
        return refuse(
          this.#handlerError(
            `no virt-launcher answers for VMI ${vmi.metadata.namespace}/${vmi.metadata.name}`,
          ),
        )
      // virt-handler's session exclusivity (newStopChan).
      const previous = this.sessions({
        namespace: vmi.metadata.namespace ?? '',
        name: vmi.metadata.name ?? '',
        kind,
      }) as LiveSession[]
      if (
        kind === 'vnc' &&
        previous.length > 0 &&
        url.searchParams.get('preserveSession') === 'true'
      )
        return refuse(this.#handlerError(ACTIVE_VNC_MESSAGE))
      if (!isWebSocketUpgrade(req))
        throw new StatusError(
          400,
          'BadRequest',
          'websocket: the client is not using the websocket protocol: upgrade token not found in Connection header',
        )
      for (const session of previous) session.end('takeover')
      const guestSocket = kind === 'vnc' ? guest.connectVnc() : guest.connectSerial()
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        record(101)
        this.#bridge(ws, guestSocket, guest, {
          kind,
          namespace: vmi.metadata.namespace ?? '',
          name: vmi.metadata.name ?? '',
          user: who.username,
        })
      })
    } catch (error) {
      refuse(
        error instanceof StatusError
          ? error
          : internalError((error as Error).message ?? String(error)),
      )
    }
  }

  /** Ends every session (the simulator is shutting down). */
  close(): void {
    for (const session of this.#sessions) session.end('shutdown')
    this.#wss.close()
  }

  #fetchVmi(namespace: string, name: string): KObject {
    const vmi = this.#options.store.peek(this.#options.vmiDef, namespace, name)
    // virt-api's NewNotFound(v1.Resource("virtualmachineinstance"), name): singular, as KubeVirt says it.
    if (!vmi) throw notFound('kubevirt.io', 'virtualmachineinstance', name)
    return vmi
  }

  /**
   * What goes wrong on the node. As virt-handler (`parsePath` set) it is go-restful's WriteError:
   * the plain error text, which KubeVirt's virt-api wraps in its own 500. As the simulated virt-api
   * it is that 500 already.
   */
  #handlerError(message: string): ConsoleRefusal {
    return this.#options.parsePath
      ? { code: 400, text: message }
      : internalError(`dialing virt-handler: ${message}`)
  }

  #bridge(
    ws: WebSocket,
    guestSocket: Socket,
    guest: QemuGuest,
    info: { kind: ConsoleKind; namespace: string; name: string; user: string },
  ): void {
    let ended = false
    const session: LiveSession = {
      ...info,
      openedAt: Date.now(),
      pings: 0,
      bytesToClient: 0,
      bytesFromClient: 0,
      ws,
      guestSocket,
      end: (by) => {
        if (ended) return
        ended = true
        session.closedBy = by
        this.#sessions.delete(session)
        guest.off('exit', onGuestExit)
        guestSocket.destroy()
        // virt-api copies raw bytes: when virt-handler drops a session the client sees the TCP
        // connection go away (1006), not a close frame. A client that closed gets its close answered.
        if (by === 'client') ws.close()
        else if (by === 'guest') ws.close(1000)
        else ws.terminate()
      },
    }
    this.#sessions.add(session)
    const onGuestExit = () => session.end('guest')
    guest.once('exit', onGuestExit)

    // Guest → client, one binary message per chunk read; stop reading while the client lags
    // (the message that crosses the mark resumes reading once it is written out).
    const resume = () => {
      if (guestSocket.isPaused()) guestSocket.resume()
    }
    guestSocket.on('data', (chunk: Buffer) => {
      session.bytesToClient += chunk.length
      if (ws.bufferedAmount + chunk.length > HIGH_WATER && !guestSocket.isPaused()) {
        guestSocket.pause()
        ws.send(chunk, { binary: true }, resume)
      } else ws.send(chunk, { binary: true })
    })
    guestSocket.on('end', () => session.end('guest'))
    guestSocket.on('error', () => session.end('guest'))
    guestSocket.on('close', () => session.end('guest'))

    // Client → guest: binary only (virt-handler's binaryReader skips any other message type).
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) return
      const bytes = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data)
      session.bytesFromClient += bytes.length
      if (!guestSocket.write(bytes)) {
        ws.pause()
        guestSocket.once('drain', () => ws.resume())
      }
    })
    ws.on('ping', () => {
      session.pings++
    })
    ws.on('close', () => session.end('client'))
    ws.on('error', () => session.end('client'))
  }
}

function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (
    (req.headers.upgrade ?? '').toLowerCase() === 'websocket' &&
    /\bupgrade\b/i.test(req.headers.connection ?? '')
  )
}

function phaseOf(vmi: KObject): string | undefined {
  return (vmi.status as { phase?: string } | undefined)?.phase
}

function devicesOf(vmi: KObject): Record<string, unknown> {
  const spec = vmi.spec as { domain?: { devices?: Record<string, unknown> } } | undefined
  return spec?.domain?.devices ?? {}
}

/** virt-api `validateVMIForVNC`. */
function validateForVnc(vmi: KObject): void {
  if (devicesOf(vmi).autoattachGraphicsDevice === false)
    throw new StatusError(400, 'BadRequest', 'No graphics devices are present.')
  if (phaseOf(vmi) !== 'Running') throw new StatusError(400, 'BadRequest', 'VMI is not running')
}

/** virt-api's console validation. */
function validateForConsole(vmi: KObject): void {
  if (devicesOf(vmi).autoattachSerialConsole === false)
    throw new StatusError(400, 'BadRequest', 'No serial consoles are present.')
  // virt-api: errors.NewConflict(v1.Resource("virtualmachineinstance"), name, "VMI is in failed status").
  if (phaseOf(vmi) === 'Failed')
    throw new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${vmi.metadata.name}": VMI is in failed status`,
    )
  if (phaseOf(vmi) !== 'Running') throw new StatusError(400, 'BadRequest', 'VMI is not running')
}

/** `errors.NewInternalError(err)`, as virt-api relays a failed dial of virt-handler. */
function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ message }],
  })
}

/** Answers the upgrade request with a plain HTTP response and closes the connection. */
function writeHttpError(socket: Duplex, error: ConsoleRefusal): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const body =
    error instanceof StatusError
      ? JSON.stringify(error.toStatus())
      : (error as { text: string }).text
  const type = error instanceof StatusError ? 'application/json' : 'text/plain; charset=utf-8'
  socket.end(
    `HTTP/1.1 ${error.code} ${STATUS_CODES[error.code] ?? ''}\r\n` +
      `Content-Type: ${type}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  )
}
