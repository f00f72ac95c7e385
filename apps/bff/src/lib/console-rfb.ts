// The BFF's two RFB handshakes (RFC 6143 §7.1–§7.3): once as the client of KubeVirt's VNC stream,
// and once per browser as its server, so several browsers share one upstream session.
import type { WebSocket } from 'ws'
import { ByteReader } from './console-byte-reader.ts'
import { Encoding } from './console-rfb-framing.ts'

/** §7.1.1 ProtocolVersion: vmdeck speaks 3.8 on both sides. */
const VERSION = Buffer.from('RFB 003.008\n', 'latin1')
/** §7.1.2 security type None. */
const SECURITY_NONE = 1

/**
 * §7.4 PIXEL_FORMAT pinned upstream and announced to every browser: 32 bits per pixel, depth 24,
 * little-endian, true colour, maxima 255 and shifts red 0, green 8, blue 16 — what noVNC asks for
 * (its SetPixelFormat is then a no-op, and is dropped). One format for all viewers, as they share
 * the same FramebufferUpdates.
 */
export const PIXEL_FORMAT = Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 0, 8, 16, 0, 0, 0])
export const BYTES_PER_PIXEL = 4

/**
 * §7.5.2 SetEncodings pinned upstream, the browsers' own being dropped: only encodings whose
 * rectangles are self-contained (no zlib or JPEG state carried from one update to the next, as
 * ZRLE and Tight have), so a browser joining late can decode from its first update on; all of
 * them are ones noVNC decodes, and the framer (console-rfb-framing.ts) can measure.
 */
export const PINNED_ENCODINGS = [
  Encoding.copyRect,
  Encoding.raw,
  Encoding.desktopSize,
  Encoding.lastRect,
  Encoding.extendedClipboard,
]

export interface RfbDesktop {
  width: number
  height: number
  name: Buffer
}

/** §7.5.1 SetPixelFormat and §7.5.2 SetEncodings with the pinned values. */
function pinnedFormatMessages(): Buffer {
  const setPixelFormat = Buffer.concat([Buffer.from([0, 0, 0, 0]), PIXEL_FORMAT])
  const setEncodings = Buffer.alloc(4 + 4 * PINNED_ENCODINGS.length)
  setEncodings.writeUInt8(2, 0)
  setEncodings.writeUInt16BE(PINNED_ENCODINGS.length, 2)
  PINNED_ENCODINGS.forEach((encoding, i) => setEncodings.writeInt32BE(encoding, 4 + 4 * i))
  return Buffer.concat([setPixelFormat, setEncodings])
}

const send = (ws: WebSocket, bytes: Buffer) => ws.send(bytes, { binary: true })

/** §7.3.2 ServerInit as the BFF serves it: the upstream's size and name, the pinned format. */
function serverInit(desktop: RfbDesktop): Buffer {
  const init = Buffer.alloc(24)
  init.writeUInt16BE(desktop.width, 0)
  init.writeUInt16BE(desktop.height, 2)
  PIXEL_FORMAT.copy(init, 4)
  init.writeUInt32BE(desktop.name.length, 20)
  return Buffer.concat([init, desktop.name])
}

/**
 * Everything the server side of rfbServerHandshake sends, in one piece: ProtocolVersion, the
 * security types (None), SecurityResult OK and ServerInit — how a VNC recording starts, so that
 * a player's RFB client can shake hands with it (console-recording.ts).
 */
export function serverHandshakeBytes(desktop: RfbDesktop): Buffer {
  return Buffer.concat([
    VERSION,
    Buffer.from([1, SECURITY_NONE]),
    Buffer.alloc(4),
    serverInit(desktop),
  ])
}

/**
 * As KubeVirt's client: version 3.8, security None (the cluster already authorised the stream),
 * a shared ClientInit, the ServerInit read, then the pinned pixel format and encodings. Answers
 * the desktop and the bytes received after it (the stream, for the hub).
 */
export async function rfbClientHandshake(
  upstream: WebSocket,
  timeoutMs: number,
): Promise<{ desktop: RfbDesktop; rest: Buffer; handshakeBytes: number }> {
  const deadline = Date.now() + timeoutMs
  const reader = new ByteReader(upstream)
  try {
    const version = (await reader.read(12, deadline)).toString('latin1')
    if (!/^RFB 003\.00[78]\n$/.test(version))
      throw new Error(`the VNC server speaks ${JSON.stringify(version)}`)
    send(upstream, VERSION)
    const count = (await reader.read(1, deadline)).readUInt8(0)
    if (count === 0) {
      // §7.1.2: no type offered, a reason string follows.
      const length = (await reader.read(4, deadline)).readUInt32BE(0)
      throw new Error((await reader.read(Math.min(length, 1024), deadline)).toString('utf8'))
    }
    const types = [...(await reader.read(count, deadline))]
    if (!types.includes(SECURITY_NONE))
      throw new Error('the VNC server asks for a security type vmdeck does not offer')
    send(upstream, Buffer.from([SECURITY_NONE]))
    // §7.1.3 SecurityResult: 0 is OK (3.8 sends it for None too).
    if ((await reader.read(4, deadline)).readUInt32BE(0) !== 0)
      throw new Error('the VNC server refused the security handshake')
    send(upstream, Buffer.from([1])) // §7.3.1 ClientInit, shared-flag set
    // §7.3.2 ServerInit: width, height, PIXEL_FORMAT (16), name-length, name.
    const init = await reader.read(24, deadline)
    const name = await reader.read(init.readUInt32BE(20), deadline)
    send(upstream, pinnedFormatMessages())
    const rest = reader.detach()
    return {
      desktop: { width: init.readUInt16BE(0), height: init.readUInt16BE(2), name },
      rest,
      handshakeBytes: reader.received - rest.length,
    }
  } catch (err) {
    reader.detach()
    throw err
  }
}

/**
 * As a browser's server: version 3.8, the one security type None (the browser is already
 * authenticated by its vmdeck session and authorised for the console), SecurityResult OK, its
 * ClientInit read (shared or not, the session is shared), and a ServerInit with the upstream's
 * size and name and the pinned pixel format. Answers the bytes the browser sent after ClientInit.
 */
export async function rfbServerHandshake(
  client: WebSocket,
  desktop: RfbDesktop,
  timeoutMs: number,
): Promise<Buffer> {
  const deadline = Date.now() + timeoutMs
  const reader = new ByteReader(client)
  try {
    send(client, VERSION)
    const version = (await reader.read(12, deadline)).toString('latin1')
    if (version !== VERSION.toString('latin1'))
      throw new Error(`the browser speaks ${JSON.stringify(version)}, not RFB 3.8`)
    send(client, Buffer.from([1, SECURITY_NONE]))
    if ((await reader.read(1, deadline)).readUInt8(0) !== SECURITY_NONE)
      throw new Error('the browser chose a security type that was not offered')
    send(client, Buffer.alloc(4)) // SecurityResult OK
    await reader.read(1, deadline) // ClientInit
    send(client, serverInit(desktop))
    return reader.detach()
  } catch (err) {
    reader.detach()
    throw err
  }
}
