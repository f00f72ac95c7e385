// The RFB side of a test browser: the handshake a VNC client does, and reading updates.
import { expect } from 'vitest'
import type { Conn } from './console-harness.ts'

/** RFB 3.8 up to ServerInit (security None, shared); answers a full-screen update request. */
export async function rfbHandshake(
  conn: Conn,
): Promise<{ width: number; height: number; update: Buffer }> {
  expect((await conn.read(12)).toString()).toBe('RFB 003.008\n')
  conn.ws.send(Buffer.from('RFB 003.008\n'))
  const count = (await conn.read(1)).readUInt8(0)
  expect([...(await conn.read(count))]).toContain(1) // security type None
  conn.ws.send(Buffer.from([1]))
  expect((await conn.read(4)).readUInt32BE(0)).toBe(0) // SecurityResult: OK
  conn.ws.send(Buffer.from([1])) // ClientInit: shared
  const init = await conn.read(24)
  await conn.read(init.readUInt32BE(20)) // desktop name
  const width = init.readUInt16BE(0)
  const height = init.readUInt16BE(2)
  const update = Buffer.alloc(10)
  update.writeUInt8(3, 0) // FramebufferUpdateRequest, non-incremental, whole screen
  update.writeUInt16BE(width, 6)
  update.writeUInt16BE(height, 8)
  return { width, height, update }
}

/**
 * The 4-byte header of the next FramebufferUpdate, skipping the ServerCutText messages before it
 * (the extended clipboard's capabilities, RFC 6143 §7.6.4 with a negative length).
 */
export async function nextUpdateHeader(conn: Conn): Promise<Buffer> {
  for (;;) {
    const type = await conn.read(1)
    if (type.readUInt8(0) !== 3) return Buffer.concat([type, await conn.read(3)])
    await conn.read(Math.abs((await conn.read(7)).readInt32BE(3)))
  }
}
