// A real BFF listening on a port, a simulated cluster and a QEMU guest, and a console client that
// keeps every byte it receives: what the console tests drive through real WebSockets.
import { startSim, type Sim } from '@vmdeck/cluster-sim'
import type { ConsoleClientMessage, ConsoleServerMessage } from '@vmdeck/shared'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import WebSocket from 'ws'
import { TestGuests } from '../../cluster-sim/test/console-test-guests.ts'
import app, { type AppOptions } from '../src/app.ts'
import { login, ORIGIN } from './helper.ts'

export const BOOT_MS = 60_000
export { nextUpdateHeader, rfbHandshake } from './rfb-test-client.ts'
const SESSION_KEYS = ['test-session-key-0123456789abcdef0123456789']

/** A console connection that keeps every byte received, for exact reads. */
export class Conn {
  readonly ws: WebSocket
  readonly closed: Promise<{ code: number; reason: string }>
  textFrames = 0
  readonly messages: ConsoleServerMessage[] = []
  #data = Buffer.alloc(0)
  #wake = new Set<() => void>()

  constructor(ws: WebSocket) {
    this.ws = ws
    ws.binaryType = 'nodebuffer'
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      // Text frames are presence messages (?presence=true), kept apart from the console bytes.
      if (!isBinary) {
        this.textFrames++
        this.messages.push(JSON.parse(data.toString()) as ConsoleServerMessage)
      } else this.#data = Buffer.concat([this.#data, data])
      for (const wake of this.#wake) wake()
    })
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        for (const wake of this.#wake) wake()
        resolve({ code, reason: reason.toString() })
      }),
    )
  }

  async #until<T>(take: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const value = take()
      if (value !== undefined) return value
      const tail = JSON.stringify(this.#data.toString('latin1').slice(-300))
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed before ${what}: ${tail}`)
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${tail}`)
      // Woken by the next message or the close; the timer only ends the wait at the deadline.
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#wake.delete(wake)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(wake, deadline - Date.now() + 1)
        this.#wake.add(wake)
      })
    }
  }

  /** The first presence message (received so far or next) that `match` accepts; it is consumed. */
  message<T extends ConsoleServerMessage>(
    match: (m: ConsoleServerMessage) => m is T,
    timeoutMs = 30_000,
  ): Promise<T> {
    return this.#until(
      () => {
        const at = this.messages.findIndex(match)
        return at < 0 ? undefined : (this.messages.splice(0, at + 1).at(-1) as T)
      },
      'a presence message',
      timeoutMs,
    )
  }

  /** Sends a control message. */
  control(message: ConsoleClientMessage): void {
    this.ws.send(JSON.stringify(message))
  }

  /** Exactly `n` bytes. */
  read(n: number, timeoutMs = 30_000): Promise<Buffer> {
    return this.#until(
      () => {
        if (this.#data.length < n) return undefined
        const out = this.#data.subarray(0, n)
        this.#data = this.#data.subarray(n)
        return out
      },
      `${n} bytes`,
      timeoutMs,
    )
  }

  /** Everything up to and including `text`. */
  readUntil(text: string, timeoutMs = 30_000): Promise<string> {
    return this.#until(
      () => {
        const at = this.#data.indexOf(text, 0, 'latin1')
        if (at < 0) return undefined
        const out = this.#data.subarray(0, at + text.length).toString('latin1')
        this.#data = this.#data.subarray(at + text.length)
        return out
      },
      JSON.stringify(text),
      timeoutMs,
    )
  }

  /** Types a line on a serial console and waits for `expected` in the answer. */
  async run(line: string, expected: string): Promise<string> {
    const seen = this.readUntil(expected)
    this.ws.send(Buffer.from(line + '\r'), { binary: true })
    return seen
  }

  async close(): Promise<void> {
    this.ws.close()
    await this.closed
  }
}

export type Outcome =
  | { kind: 'open'; conn: Conn }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'refused'; status: number; body: string }

export function opened(outcome: Outcome): Conn {
  if (outcome.kind !== 'open') throw new Error(`console not open: ${JSON.stringify(outcome)}`)
  return outcome.conn
}

/** Polls a condition (no fixed waits: resolves as soon as it holds). */
export async function poll(check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export interface ConsoleStack {
  sim: Sim
  bff: FastifyInstance
  /** `ws://127.0.0.1:{port}` of the BFF. */
  base: string
  /** Every log line the BFF wrote. */
  logLines: string[]
  /** A console path of the simulator's cluster. */
  consolePath(kind: 'vnc' | 'serial', vm?: string, query?: string): string
  /**
   * Opens a console as a browser would (cookie + Origin) or as a script (bearer). Resolves once
   * the BFF holds the upstream session (the simulator has it) or joined the one it holds, or with
   * how it was refused.
   */
  openConsole(
    path: string,
    headers: Record<string, string>,
    options?: WebSocket.ClientOptions,
  ): Promise<Outcome>
  /** Another BFF on the same cluster (its own options), listening; closed with the stack. */
  anotherBff(options: Partial<AppOptions>): Promise<{ bff: FastifyInstance; base: string }>
  close(): Promise<void>
}

/**
 * The simulator with a real QEMU guest behind `namespace/vm`, and a BFF listening on a port. Its
 * serial console has shown the guest's banner once this resolves.
 */
export async function startConsoleStack(
  namespace: string,
  vm: string,
  consoles: AppOptions['consoles'],
): Promise<ConsoleStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bff-consoles-'))
  const sim = await startSim({ stateDir, port: 0 })
  const guests = new TestGuests()
  sim.consoles.useGuests(guests.registry)
  // The demo VM's VMI, run by the simulator's controllers; its guest is ours (no other QEMU).
  const vmiDef = sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!
  await poll(
    () =>
      (sim.store.peek(vmiDef, namespace, vm)?.status as { phase?: string } | undefined)?.phase ===
      'Running',
    30_000,
  )
  await guests.start(sim, namespace, vm, { vmi: 'existing' })

  const logLines: string[] = []
  const others: FastifyInstance[] = []
  const listen = async (options: Partial<AppOptions>, logger: FastifyServerOptions['logger']) => {
    const bff = Fastify({ logger })
    await bff.register(app, {
      kubeconfigPath: sim.kubeconfigPath,
      sessionKeys: SESSION_KEYS,
      publicOrigin: ORIGIN,
      demo: true,
      ...options,
    })
    await bff.listen({ port: 0, host: '127.0.0.1' })
    // Cookies are trusted once revoked sessions are known, consoles once the caches are synced.
    await poll(
      () => bff.revocations.ready && [...bff.clusters.values()].every((c) => c.vms.synced),
      30_000,
    )
    return { bff, base: `ws://127.0.0.1:${(bff.server.address() as AddressInfo).port}` }
  }
  const { bff, base } = await listen(
    { consoles },
    {
      level: 'info',
      stream: new Writable({
        write(chunk: Buffer, _enc, done) {
          logLines.push(chunk.toString())
          done()
        },
      }),
    },
  )

  const consolePath = (kind: 'vnc' | 'serial', name = vm, query = '') =>
    `/api/v1/clusters/vmdeck-sim/namespaces/${namespace}/vms/${name}/${kind}${query}`
  const openConsole: ConsoleStack['openConsole'] = (path, headers, options = {}) => {
    const since = Date.now()
    const url = path.startsWith('ws:') ? path : base + path
    const subresource = path.includes('/vnc') ? 'vnc' : 'console'
    const before = new Set(sim.consoles.sessions({ kind: subresource }))
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, ['plain.kubevirt.io'], { headers, ...options })
      const conn = new Conn(ws)
      ws.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            kind: 'refused',
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
          }),
        )
      })
      ws.once('error', (err) => {
        if (!/Unexpected server response/.test(err.message)) reject(err)
      })
      void conn.closed.then(({ code, reason }) => resolve({ kind: 'closed', code, reason }))
      ws.once('open', () => {
        void poll(
          () =>
            ws.readyState !== WebSocket.OPEN ||
            sim.consoles
              .sessions({ kind: subresource })
              .some((s) => !before.has(s) && s.openedAt >= since) ||
            // Or it joined a stream the BFF holds already (one upstream per VM console).
            [bff, ...others].some((b) =>
              b.consoleRelays().some((r) => r.connected && r.openedAt >= since),
            ),
        ).then(() => {
          if (ws.readyState === WebSocket.OPEN) resolve({ kind: 'open', conn })
        }, reject)
      })
    })
  }

  // The guest's shell is up once its serial line shows the banner.
  const cookie = await login(bff, 'helpdesk')
  const first = opened(await openConsole(consolePath('serial'), { cookie, origin: ORIGIN }))
  await first.readUntil(`vmdeck guest ${vm} ready`, BOOT_MS)
  await first.close()

  return {
    sim,
    bff,
    base,
    logLines,
    consolePath,
    openConsole,
    async anotherBff(options) {
      const other = await listen(options, false)
      others.push(other.bff)
      return other
    },
    async close() {
      for (const other of others) await other.close()
      await bff.close()
      await sim.close()
      await guests.close()
      rmSync(stateDir, { recursive: true, force: true })
    },
  }
}
