// The `vnc` and `console` WebSocket subresources against a real QEMU guest, through the
// simulator's real HTTPS server, with the `ws` client a Node backend (the BFF) uses.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { ObjectStore } from '../apiserver/object-store.ts'
import { Registry } from '../apiserver/registry.ts'
import { TokenAuthenticator } from '../auth/authenticator.ts'
import { kubevirtResources } from '../resources/kubevirt-resources.ts'
import { startSim, type Sim } from '../sim.ts'
import {
  ACTIVE_VNC_MESSAGE,
  ConsoleSubresources,
  tokenConsoleAuth,
} from './console-subresources.ts'
import { runningVmi, TestGuests } from './console-test-guests.ts'

const BOOT_MS = 60_000
const NS = 'prod'
const VM = 'con-a'

let guests: TestGuests

const subresource = (name: string, kind: 'vnc' | 'console', query = '') =>
  `/apis/subresources.kubevirt.io/v1/namespaces/${NS}/virtualmachineinstances/${name}/${kind}${query}`

interface Refusal {
  status: number
  contentType: string
  body: string
}

/** Opens a console as `token`; resolves with the open socket or the HTTP answer that refused it. */
function connect(
  base: string,
  path: string,
  options: { token?: string; protocols?: string[]; ca?: string } = {},
): Promise<WebSocket | Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      base.replace(/^http/, 'ws') + path,
      options.protocols ?? ['plain.kubevirt.io'],
      {
        ...(options.ca ? { ca: options.ca } : {}),
        headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
      },
    )
    ws.binaryType = 'nodebuffer'
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
    })
    ws.once('error', reject)
  })
}

const TOKEN = 't-admin'
/** The bridge on its own server, with its own store: VMI phases are the test's to set. */
const bridgeConnect = (path: string, options: { token?: string; protocols?: string[] } = {}) =>
  connect(bridgeUrl, path, { token: TOKEN, ...options })

function opened(result: WebSocket | Refusal): WebSocket {
  if (!(result instanceof WebSocket)) throw new Error(`refused: ${result.status} ${result.body}`)
  return result
}

function refused(result: WebSocket | Refusal): Refusal {
  if (result instanceof WebSocket) {
    result.terminate()
    throw new Error('the upgrade was accepted')
  }
  return result
}

/** Everything received on `ws` until `pattern` shows up. */
function readUntil(ws: WebSocket, pattern: string | RegExp, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(
      () =>
        done(
          new Error(
            `timed out waiting for ${String(pattern)}: ${JSON.stringify(seen.slice(-300))}`,
          ),
        ),
      timeoutMs,
    )
    const onMessage = (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return done(new Error('the server sent a text frame'))
      seen += data.toString('latin1')
      if (typeof pattern === 'string' ? seen.includes(pattern) : pattern.test(seen)) done()
    }
    const onClose = () =>
      done(new Error(`closed before ${String(pattern)}: ${JSON.stringify(seen.slice(-300))}`))
    const done = (error?: Error) => {
      clearTimeout(timer)
      ws.off('message', onMessage)
      ws.off('close', onClose)
      if (error) reject(error)
      else resolve(seen)
    }
    ws.on('message', onMessage)
    ws.on('close', onClose)
  })
}

const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve({ code: 1006, reason: '' })
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
  })

let registry: Registry
let store: ObjectStore
let consoles: ConsoleSubresources
let bridge: Server
let bridgeUrl = ''

beforeAll(async () => {
  registry = new Registry()
  for (const def of kubevirtResources) registry.add(def)
  store = new ObjectStore()
  const authenticator = new TokenAuthenticator()
  authenticator.add(TOKEN, { username: 'alice', uid: 'a', groups: [] })
  guests = new TestGuests()
  consoles = new ConsoleSubresources({
    store,
    vmiDef: registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!,
    ...tokenConsoleAuth(authenticator),
    guests: guests.registry,
  })
  bridge = createServer((_req, res) => res.writeHead(404).end())
  bridge.on(
    'upgrade',
    consoles.upgradeListener((_req, res) => res.writeHead(404).end()),
  )
  await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve))
  bridgeUrl = `http://127.0.0.1:${(bridge.address() as AddressInfo).port}`

  const guest = await guests.start({ registry, store }, NS, VM)
  // Wait for the shell on the serial line through the subresource itself.
  const ws = opened(await bridgeConnect(subresource(VM, 'console')))
  await readUntil(ws, `vmdeck guest ${VM} ready`, BOOT_MS)
  ws.close()
  await closed(ws)
  expect(guest.running).toBe(true)
}, BOOT_MS + 30_000)

afterAll(async () => {
  consoles?.close()
  bridge?.closeAllConnections()
  bridge?.close()
  await guests?.close()
})

describe('console subresource (serial)', () => {
  it('echoes plain.kubevirt.io and bridges bytes both ways in binary frames', async () => {
    const ws = opened(await bridgeConnect(subresource(VM, 'console')))
    expect(ws.protocol).toBe('plain.kubevirt.io')
    const seen = readUntil(ws, 'hi-42')
    ws.send(Buffer.from('echo hi-$((6*7))\r'), { binary: true })
    expect(await seen).toContain('hi-42')
    ws.close()
    await closed(ws)
  })

  it('drops text frames, as virt-handler does', async () => {
    const ws = opened(await bridgeConnect(subresource(VM, 'console')))
    ws.send('echo text-$((1+1))\r') // a text frame: must never reach the guest
    const seen = readUntil(ws, 'bin-4')
    ws.send(Buffer.from('echo bin-$((2+2))\r'), { binary: true })
    const out = await seen
    expect(out).not.toContain('text-2')
    ws.close()
    await closed(ws)
  })

  it('accepts a client that offers no subprotocol, without the header', async () => {
    const ws = opened(await bridgeConnect(subresource(VM, 'console'), { protocols: [] }))
    expect(ws.protocol).toBe('')
    ws.close()
    await closed(ws)
  })

  it('closes the previous console session when a new one connects', async () => {
    const first = opened(await bridgeConnect(subresource(VM, 'console')))
    const firstClosed = closed(first)
    const second = opened(await bridgeConnect(subresource(VM, 'console')))
    expect((await firstClosed).code).toBe(1006)
    const seen = readUntil(second, 'again-9')
    second.send(Buffer.from('echo again-$((3*3))\r'), { binary: true })
    await seen
    expect(consoles.sessions({ name: VM, kind: 'console' })).toHaveLength(1)
    second.close()
    await closed(second)
  })
})

describe('vnc subresource', () => {
  it('speaks RFB 3.8 from the guest', async () => {
    const ws = opened(await bridgeConnect(subresource(VM, 'vnc')))
    expect(await readUntil(ws, '\n')).toBe('RFB 003.008\n')
    ws.close()
    await closed(ws)
  })

  it('refuses a second client that asked to preserve the session, as virt-api relays it', async () => {
    const first = opened(await bridgeConnect(subresource(VM, 'vnc')))
    await readUntil(first, 'RFB')
    const second = refused(await bridgeConnect(subresource(VM, 'vnc', '?preserveSession=true')))
    expect(second.status).toBe(500)
    const status = JSON.parse(second.body) as { reason: string; message: string }
    expect(status.reason).toBe('InternalError')
    expect(status.message).toContain(ACTIVE_VNC_MESSAGE)
    expect(first.readyState).toBe(WebSocket.OPEN)

    // Without preserveSession the new client takes over and the first is dropped.
    const firstClosed = closed(first)
    const third = opened(await bridgeConnect(subresource(VM, 'vnc', '?preserveSession=false')))
    expect((await firstClosed).code).toBe(1006)
    expect(await readUntil(third, '\n')).toBe('RFB 003.008\n')
    third.close()
    await closed(third)
  })

  it('lets preserveSession=true through when nobody is connected', async () => {
    await expect.poll(() => consoles.sessions({ kind: 'vnc' }).length).toBe(0)
    const ws = opened(await bridgeConnect(subresource(VM, 'vnc', '?preserveSession=true')))
    await readUntil(ws, 'RFB')
    ws.close()
    await closed(ws)
  })
})

describe('errors before the upgrade', () => {
  it('answers 404 for a VMI that does not exist', async () => {
    const result = refused(await bridgeConnect(subresource('missing', 'console')))
    expect(result.status).toBe(404)
    expect(JSON.parse(result.body)).toMatchObject({
      reason: 'NotFound',
      message: 'virtualmachineinstances.kubevirt.io "missing" not found',
    })
  })

  it('answers 400 "VMI is not running" and 409 for a failed VMI', async () => {
    const def = registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!
    store.create(def, runningVmi(NS, 'booting', 'Scheduling'))
    store.create(def, runningVmi(NS, 'broken', 'Failed'))
    const vnc = refused(await bridgeConnect(subresource('booting', 'vnc')))
    expect(vnc.status).toBe(400)
    expect(JSON.parse(vnc.body)).toMatchObject({
      reason: 'BadRequest',
      message: 'VMI is not running',
    })
    const failed = refused(await bridgeConnect(subresource('broken', 'console')))
    expect(failed.status).toBe(409)
    expect(JSON.parse(failed.body).message).toBe('VMI is in failed status')
  })

  it('answers 500 when no guest runs for a Running VMI', async () => {
    const def = registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!
    store.create(def, runningVmi(NS, 'ghost'))
    const result = refused(await bridgeConnect(subresource('ghost', 'vnc')))
    expect(result.status).toBe(500)
    expect(JSON.parse(result.body).message).toMatch(
      /^Internal error occurred: dialing virt-handler/,
    )
  })
})

describe('in the simulator: authentication, RBAC, other upgrades', () => {
  let sim: Sim
  let stateDir = ''
  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'vmdeck-console-sim-'))
    sim = await startSim({ stateDir, port: 0, seed: 'none' })
    return async () => {
      await sim.close()
      rmSync(stateDir, { recursive: true, force: true })
    }
  })
  const simConnect = (path: string, token: string) => connect(sim.url, path, { token, ca: sim.ca })

  it('answers 401 Status JSON without a valid token (kube-apiserver authentication)', async () => {
    const result = refused(await simConnect(subresource(VM, 'vnc'), 'nope'))
    expect(result.status).toBe(401)
    expect(JSON.parse(result.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized' })
  })

  it('refuses viewer with 401 and a plain-text body (virt-api), before looking at the VMI', async () => {
    for (const kind of ['vnc', 'console'] as const) {
      const denied = refused(await simConnect(subresource('missing', kind), sim.tokens.viewer))
      expect(denied.status).toBe(401)
      expect(denied.contentType).toMatch(/^text\/plain/)
    }
    expect(sim.consoles.requests.filter((r) => r.user === 'viewer')).toHaveLength(2)
  })

  it('lets helpdesk and admin through to the VMI checks', async () => {
    for (const user of ['helpdesk', 'admin'] as const) {
      const result = refused(await simConnect(subresource('missing', 'vnc'), sim.tokens[user]))
      expect(result.status).toBe(404)
    }
  })

  it('answers other upgrade requests as the plain HTTP request they are', async () => {
    const result = refused(await simConnect('/api/v1/namespaces', sim.tokens.admin))
    expect(result.status).toBe(200)
    expect(JSON.parse(result.body)).toMatchObject({ kind: 'NamespaceList' })
  })
})
