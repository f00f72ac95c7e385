// Several browsers on one VM console through the real BFF (real WebSockets) to the simulator's
// KubeVirt and a real QEMU guest: one upstream session, one controller, followers watching along.
import type { ConsoleServerMessage } from '@vmdeck/shared'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  BOOT_MS,
  nextUpdateHeader,
  opened,
  poll,
  rfbHandshake,
  startConsoleStack,
  type Conn,
  type ConsoleStack,
} from './console-harness.ts'
import { login, ORIGIN } from './helper.ts'

const NS = 'prod'
const VM = 'web-01'
const AUTO_GRANT_MS = 600

let stack: ConsoleStack
const recordings = mkdtempSync(join(tmpdir(), 'vmdeck-recordings-'))
/** Recordings go to a directory per cluster. */
const clusterDir = join(recordings, 'vmdeck-sim')
const cookies: Record<string, string> = {}
const simSessions = (kind: 'vnc' | 'console') => stack.sim.consoles.sessions({ kind })
const relayOf = (user: string, kind: 'vnc' | 'serial') => {
  const info = stack.bff.consoleRelays().find((r) => r.user === user && r.console === kind)
  if (!info) throw new Error(`${user} has no ${kind} console`)
  return info
}
const open = async (user: string, kind: 'vnc' | 'serial') =>
  opened(
    await stack.openConsole(stack.consolePath(kind, VM, '?presence=true'), {
      cookie: cookies[user] ?? '',
      origin: ORIGIN,
    }),
  )
type Of<T extends ConsoleServerMessage['type']> = Extract<ConsoleServerMessage, { type: T }>
const is =
  <T extends ConsoleServerMessage['type']>(type: T, check: (m: Of<T>) => boolean = () => true) =>
  (m: ConsoleServerMessage): m is Of<T> =>
    m.type === type && check(m as Of<T>)
const presence = (conn: Conn, role: 'controller' | 'follower') =>
  conn.message(is('presence', (m) => m.role === role))
const closeAll = async (...conns: Conn[]) => {
  await Promise.all(conns.map((c) => c.close()))
  await poll(() => simSessions('console').length === 0 && simSessions('vnc').length === 0)
}

beforeAll(async () => {
  stack = await startConsoleStack(NS, VM, {
    // Long keepalives: a follower that stops reading is dropped by its buffer, not its pongs.
    keepaliveMs: 60_000,
    recheckMs: 200,
    autoGrantMs: AUTO_GRANT_MS,
    followerMaxBufferedBytes: 512 * 1024,
    recordings: {
      dir: recordings,
      namespaces: new Set([NS]),
      maxAgeMs: 24 * 3600_000,
      maxBytes: 64 * 1024 * 1024,
    },
  })
  for (const user of ['helpdesk', 'admin', 'viewer']) cookies[user] = await login(stack.bff, user)
}, BOOT_MS + 30_000)

afterAll(async () => {
  await stack?.close()
  rmSync(recordings, { recursive: true, force: true })
})

describe('a shared serial console', () => {
  it('mirrors the output to a follower and drops its input before the guest', async () => {
    const controller = await open('helpdesk', 'serial')
    expect((await presence(controller, 'controller')).followers).toEqual([])
    const follower = await open('admin', 'serial')
    const seen = await presence(follower, 'follower')
    expect(seen.controller?.user).toBe('helpdesk')
    expect((await presence(controller, 'controller')).followers.map((f) => f.user)).toEqual([
      'admin',
    ])
    expect(simSessions('console')).toHaveLength(1)

    follower.ws.send(Buffer.from('echo dropped-$((6*7))\r'), { binary: true })
    await poll(() => relayOf('admin', 'serial').droppedInput > 0)
    const watched = follower.readUntil('kept-9')
    // The guest never got the follower's line: its output shows only the controller's command.
    expect(await controller.run('echo kept-$((3*3))', 'kept-9')).not.toContain('dropped-42')
    expect(await watched).not.toContain('dropped-42')
    await closeAll(controller, follower)
  })

  it('hands control to a follower that asks, when the controller grants it', async () => {
    const first = await open('helpdesk', 'serial')
    const second = await open('admin', 'serial')
    await presence(second, 'follower')
    second.control({ type: 'request-control' })
    const request = await first.message(is('control-requested'))
    expect(request.by.user).toBe('admin')
    first.control({ type: 'grant', to: request.by.id })
    expect(await second.message(is('control-changed'))).toMatchObject({
      how: 'granted',
      from: { user: 'helpdesk' },
      to: { user: 'admin' },
    })
    await presence(second, 'controller')
    await presence(first, 'follower')
    await second.run('echo granted-$((2+2))', 'granted-4')
    first.ws.send(Buffer.from('echo stale-$((1+1))\r'), { binary: true })
    await poll(() => relayOf('helpdesk', 'serial').droppedInput > 0)
    expect(await second.run('echo after-$((4+4))', 'after-8')).not.toContain('stale-2')
    await closeAll(first, second)
  })

  it('tells the follower a refusal, and grants by itself once the controller is idle', async () => {
    const first = await open('helpdesk', 'serial')
    const second = await open('admin', 'serial')
    await presence(second, 'follower')
    second.control({ type: 'request-control' })
    const request = await first.message(is('control-requested'))
    first.control({ type: 'refuse', to: request.by.id })
    expect((await second.message(is('control-refused'))).by.user).toBe('helpdesk')

    // Asked again while the controller types nothing: granted after the idle time.
    await first.run('echo busy', 'busy')
    const asked = Date.now()
    second.control({ type: 'request-control' })
    expect(await second.message(is('control-changed'))).toMatchObject({ how: 'idle' })
    expect(Date.now() - asked).toBeGreaterThanOrEqual(AUTO_GRANT_MS - 50)
    await closeAll(first, second)
  })

  it('lets a follower take over with a reason, which is recorded', async () => {
    const first = await open('helpdesk', 'serial')
    const second = await open('admin', 'serial')
    await presence(second, 'follower')
    second.control({ type: 'take-over', reason: '   ' }) // no reason: refused
    second.control({ type: 'take-over', reason: 'incident 4711' })
    expect(await first.message(is('control-changed'))).toMatchObject({
      how: 'taken-over',
      reason: 'incident 4711',
      to: { user: 'admin' },
    })
    const events = stack.logLines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(events.filter((e) => e.msg === 'console control changed').at(-1)).toMatchObject({
      user: 'admin',
      from: 'helpdesk',
      how: 'taken-over',
      reason: 'incident 4711',
    })
    // The controller leaves: the follower controls.
    await second.close()
    await presence(first, 'controller')
    await first.run('echo back-$((7+1))', 'back-8')
    await closeAll(first)
  })

  it('records the session of a recorded namespace as a transcript, and says so', async () => {
    const controller = await open('helpdesk', 'serial')
    expect((await presence(controller, 'controller')).recorded).toBe(true)
    await controller.run('echo rec-$((2*5))', 'rec-10')
    await closeAll(controller)
    // Wait for the transcript with the line the guest printed last (found by its content:
    // earlier sessions of this file are recorded too). QEMU's UART hands the guest's output over
    // a few bytes at a time, one transcript line per chunk the BFF reads: on an idle machine
    // "rec-10" spans several lines, so the guest's text is joined before it is searched.
    const guestText = (file: string) =>
      readFileSync(join(clusterDir, file), 'utf8')
        .split('\n')
        .map((line) => line.split('\t'))
        .filter(([, who, text]) => who === 'guest' && text?.endsWith('"'))
        .map(([, , text]) => JSON.parse(text ?? '""') as string)
        .join('')
    const holding = () =>
      readdirSync(clusterDir)
        .filter((file) => file.endsWith('.serial.txt'))
        .find((file) => guestText(file).includes('rec-10'))
    await poll(() => holding() !== undefined, 30_000)
    const transcript = holding() ?? ''
    expect(transcript).toMatch(/^prod_web-01_.*\.serial\.txt$/)
    const lines = readFileSync(join(clusterDir, transcript), 'utf8').split('\n')
    expect(lines).toContainEqual(
      expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z\thelpdesk\t"echo rec-\$\(\(2\*5\)\)\\r"$/),
    )
    expect(guestText(transcript)).toContain('rec-10')
    // The session's task names its recording: the Tasks page links to it.
    await poll(
      () =>
        [...stack.bff.clusters.values()][0]?.tasks
          .newestFirst()
          .some(
            (t) =>
              t.action === 'console' &&
              t.user === 'helpdesk' &&
              t.parameters.recording === transcript &&
              t.outcome === 'Succeeded',
          ) ?? false,
      30_000,
    )
  }, 60_000)

  it('refuses a user without the console right, though the stream is open already', async () => {
    const first = await open('helpdesk', 'serial')
    expect(
      await stack.openConsole(stack.consolePath('serial'), {
        cookie: cookies.viewer ?? '',
        origin: ORIGIN,
      }),
    ).toEqual({
      kind: 'closed',
      code: 4403,
      reason: 'You are not allowed to open the serial console of this VM.',
    })
    await closeAll(first)
  })
})

describe('a console held by another replica', () => {
  it('tells the user of another replica who holds the VNC console', async () => {
    const holder = await open('helpdesk', 'vnc')
    await rfbHandshake(holder) // its session is recorded once it has joined
    // A replica of its own name: one that finds a running session of its name that it does not
    // hold ends it as left over from before a restart.
    const { bff: other, base: otherBase } = await stack.anotherBff({
      tasks: { replica: 'replica-b' },
    })
    // The replicas share the session records (tasks): the other one reads who holds it there.
    await poll(
      () =>
        [...other.clusters.values()][0]?.tasks
          .running()
          .some((t) => t.action === 'console' && t.user === 'helpdesk') ?? false,
      30_000,
    )
    const admin = await login(other, 'admin')
    expect(
      await stack.openConsole(`${otherBase}${stack.consolePath('vnc')}`, {
        cookie: admin,
        origin: ORIGIN,
      }),
    ).toEqual({
      kind: 'closed',
      code: 4900,
      reason: 'helpdesk holds this VNC console on another vmdeck replica.',
    })
    await closeAll(holder)
  }, 60_000)
})

const keyEvent = (keysym: number) => {
  const key = Buffer.alloc(8)
  key.writeUInt8(4, 0) // KeyEvent
  key.writeUInt8(1, 1) // down
  key.writeUInt32BE(keysym, 4)
  return key
}

describe('a shared VNC console', () => {
  it('serves every browser its own handshake and the same updates, and drops a follower’s keys', async () => {
    const controller = await open('helpdesk', 'vnc')
    const follower = await open('admin', 'vnc')
    const [a, b] = await Promise.all([rfbHandshake(controller), rfbHandshake(follower)])
    expect(b.width).toBe(a.width)
    expect(simSessions('vnc')).toHaveLength(1)
    follower.ws.send(b.update)
    for (const conn of [controller, follower])
      expect((await nextUpdateHeader(conn)).readUInt8(0)).toBe(0) // the same FramebufferUpdate

    follower.ws.send(keyEvent(0x61))
    await poll(() => relayOf('admin', 'vnc').droppedInput === 1)
    const before = relayOf('helpdesk', 'vnc').bytesToUpstream
    controller.ws.send(keyEvent(0x61))
    await poll(() => relayOf('helpdesk', 'vnc').bytesToUpstream === before + 8)
    await closeAll(controller, follower)
  })

  it('drops a follower that stops reading to a resync, and the controller carries on', async () => {
    const controller = await open('helpdesk', 'vnc')
    const follower = await open('admin', 'vnc')
    const { update } = await rfbHandshake(controller)
    await rfbHandshake(follower)
    follower.ws.pause()
    const resynced = () =>
      stack.logLines.some((line) => {
        const e = JSON.parse(line) as Record<string, unknown>
        return e.msg === 'console closed' && e.user === 'admin' && e.code === 4902
      })
    // Full-screen updates until the follower's queue passes its limit.
    while (!resynced()) {
      const got = relayOf('helpdesk', 'vnc').bytesToClient
      controller.ws.send(update)
      await poll(() => resynced() || relayOf('helpdesk', 'vnc').bytesToClient > got)
    }
    follower.ws.resume()
    expect((await follower.closed).code).toBe(4902)
    const got = relayOf('helpdesk', 'vnc').bytesToClient
    controller.ws.send(update)
    await poll(() => relayOf('helpdesk', 'vnc').bytesToClient > got)
    expect(simSessions('vnc')).toHaveLength(1)
    await closeAll(controller)
  }, 30_000)

  it('records the session of a recorded namespace, playable from its handshake on', async () => {
    const controller = await open('helpdesk', 'vnc')
    // Past its RFB handshake the browser is a member, and is told that the session is recorded.
    const { width, update } = await rfbHandshake(controller)
    expect((await presence(controller, 'controller')).recorded).toBe(true)
    controller.ws.send(update)
    expect((await nextUpdateHeader(controller)).readUInt8(0)).toBe(0)
    controller.ws.send(keyEvent(0x62))
    await closeAll(controller)
    // The recording of this session: the newest VNC one, listed once its stream has ended.
    const list = async () =>
      (
        await stack.bff.inject({
          url: `/api/v1/clusters/vmdeck-sim/namespaces/${NS}/vms/${VM}/recordings`,
          headers: { cookie: cookies.helpdesk ?? '' },
        })
      ).json<{ items: { id: string; kind: string }[] }>().items
    let id = ''
    await poll(() => {
      void list().then((items) => (id = items.find((i) => i.kind === 'vnc')?.id ?? ''))
      return id !== ''
    })
    const fetchAs = (user: string) =>
      stack.bff.inject({
        url: `/api/v1/clusters/vmdeck-sim/namespaces/${NS}/vms/${VM}/recordings/${id}`,
        headers: { cookie: cookies[user] ?? '' },
      })
    expect((await fetchAs('viewer')).statusCode).toBe(404)
    const magic = 'vmdeck-rfb-recording 1\n'
    const framesOf = (bytes: Buffer) => {
      expect(bytes.subarray(0, magic.length).toString()).toBe(magic)
      const found: { ms: number; data: Buffer }[] = []
      for (let at = magic.length; at + 8 <= bytes.length;) {
        const length = bytes.readUInt32BE(at + 4)
        found.push({ ms: bytes.readUInt32BE(at), data: bytes.subarray(at + 8, at + 8 + length) })
        at += 8 + length
      }
      return found
    }
    const streamOf = (found: { data: Buffer }[]) => Buffer.concat(found.slice(1).map((f) => f.data))
    // The file is written in the background and may lag the browser: fetched until the
    // full-screen update the browser received is on disk too (a loaded machine took longer).
    let frames: { ms: number; data: Buffer }[] = []
    await vi.waitFor(
      async () => {
        frames = framesOf((await fetchAs('admin')).rawPayload)
        // Then the server's messages: the full-screen update among them, in time order.
        expect(streamOf(frames).length).toBeGreaterThan(width * 4)
      },
      { timeout: 30_000, interval: 50 },
    )
    // A browser's handshake: version, security None, OK, ServerInit with the desktop.
    const handshake = frames[0]?.data ?? Buffer.alloc(0)
    expect(handshake.subarray(0, 12).toString()).toBe('RFB 003.008\n')
    expect([...handshake.subarray(12, 18)]).toEqual([1, 1, 0, 0, 0, 0])
    expect(handshake.readUInt16BE(18)).toBe(width)
    expect(frames.map((f) => f.ms)).toEqual([...frames.map((f) => f.ms)].sort((a, b) => a - b))
  }, 60_000)
})
