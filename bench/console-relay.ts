// Console relay overhead: the BFF path (browser → BFF → simulator → console) against the direct
// path (client → simulator → console), and many consoles open at once.
//
//   node bench/console-relay.ts [--consoles 200] [--rounds 2000] [--mib 64]
//
// The server side (simulator + BFF) runs in a child process, the clients here, as a browser
// and the BFF would be on different machines. Behind each VMI's console is an echo server
// standing in for the guest, so the numbers are the relay's, not QEMU's TCG serial port.
// Results: bench/results/consoles.json.
import { fork, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os, { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { ensureGoBuildsOrExit } from '../scripts/lib/go-builds.mjs'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const { values } = parseArgs({
  options: {
    server: { type: 'boolean', default: false },
    consoles: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '2000' },
    mib: { type: 'string', default: '64' },
  },
})
const CONSOLES = Number(values.consoles)
const ORIGIN = 'http://vmdeck.bench'

interface Ready {
  bff: string
  sim: string
  ca: string
  adminToken: string
  cookie: string
}

if (values.server) await serve()
else await measure()

/** Child: the simulator (with echo "guests") and the BFF, until the parent goes away. */
async function serve(): Promise<void> {
  const { startSim } = await import('../apps/cluster-sim/src/sim.ts')
  const { GuestRegistry } = await import('../apps/cluster-sim/src/kubevirt/guest-registry.ts')
  const { default: app } = await import('../apps/bff/src/app.ts')
  const { default: Fastify } = await import('fastify')
  const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bench-consoles-'))
  const sim = await startSim({ stateDir, port: 0, seed: 'demo', guests: 'none' })
  const echo = net.createServer({ noDelay: true }, (socket) => socket.pipe(socket))
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
  const echoPort = (echo.address() as net.AddressInfo).port

  // CONSOLES running VMs (the simulator's controllers run them, without processes) …
  await sim.request('POST', '/api/v1/namespaces', {
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } },
  })
  const { demoVm } = await import('../apps/cluster-sim/src/seed/demo-fleet.ts')
  for (let i = 0; i < CONSOLES; i++)
    await sim.request('POST', '/apis/kubevirt.io/v1/namespaces/bench/virtualmachines', {
      body: demoVm('bench', `vm-${i}`, 'Always'),
    })
  const def = sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!
  for (const deadline = Date.now() + 120_000; ;) {
    const running = sim.store
      .list(def, 'bench')
      .items.filter((v) => (v.status as { phase?: string } | undefined)?.phase === 'Running')
    if (running.length === CONSOLES) break
    if (Date.now() > deadline) throw new Error(`only ${running.length} VMIs run`)
    await new Promise((r) => setTimeout(r, 100))
  }
  // … whose consoles are echo servers.
  const guests = new GuestRegistry()
  for (let i = 0; i < CONSOLES; i++) {
    const guest = Object.assign(new EventEmitter(), {
      running: true,
      connectSerial: () => net.connect({ port: echoPort, host: '127.0.0.1', noDelay: true }),
      connectVnc: () => net.connect({ port: echoPort, host: '127.0.0.1', noDelay: true }),
    })
    guests.set('bench', `vm-${i}`, guest as never)
  }
  sim.consoles.useGuests(guests)

  const bff = Fastify({ logger: false })
  await bff.register(app, {
    kubeconfigPath: sim.kubeconfigPath,
    sessionKeys: ['bench-session-key-0123456789abcdef0123456789'],
    publicOrigin: ORIGIN,
    demo: true,
    consoles: { maxPerUser: CONSOLES + 10 },
  })
  await bff.listen({ port: 0, host: '127.0.0.1' })
  // Cookies are trusted once the session revocations are listed (issue 12).
  while (!bff.revocations.ready) await new Promise((resolve) => setTimeout(resolve, 5))
  const login = await bff.inject({
    method: 'POST',
    url: '/api/v1/session',
    headers: { origin: ORIGIN },
    payload: { demoUser: 'admin' },
  })
  const cookie = login.cookies.find((c) => c.name === 'vmdeck_session')
  const ready: Ready = {
    bff: `ws://127.0.0.1:${(bff.server.address() as net.AddressInfo).port}`,
    sim: sim.url.replace('https:', 'wss:'),
    ca: sim.ca,
    adminToken: sim.tokens.admin,
    cookie: `vmdeck_session=${cookie?.value ?? ''}`,
  }
  process.send?.(ready)
  process.on('disconnect', () => {
    void bff.close().then(async () => {
      await sim.close()
      echo.close()
      rmSync(stateDir, { recursive: true, force: true })
      process.exit(0)
    })
  })
}

async function measure(): Promise<void> {
  // The control plane and CRDs the simulator (in the child) runs on, built when missing.
  await ensureGoBuildsOrExit({ root })
  const child: ChildProcess = fork(
    fileURLToPath(import.meta.url),
    ['--server', '--consoles', String(CONSOLES)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready))
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)))
  })
  const viaBff = (vm: string) =>
    open(`${ready.bff}/api/v1/clusters/vmdeck-sim/namespaces/bench/vms/${vm}/serial`, {
      headers: { cookie: ready.cookie, origin: ORIGIN },
    })
  const direct = (vm: string) =>
    open(
      `${ready.sim}/apis/subresources.kubevirt.io/v1/namespaces/bench/virtualmachineinstances/${vm}/console`,
      {
        headers: { authorization: `Bearer ${ready.adminToken}` },
        ca: ready.ca,
      },
    )

  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores (shared with other work while measured), loopback, Node ${process.version}`,
    method:
      'echo server behind the console; latency = sequential round trips of one message; throughput = 16 KiB messages pipelined through the echo and back',
  }
  for (const [path, connect] of [
    ['direct', direct],
    ['bff', viaBff],
  ] as const) {
    const ws = await connect('vm-0')
    results[`${path}Latency32B`] = await latency(ws, 32, Number(values.rounds))
    results[`${path}Latency16KiB`] = await latency(
      ws,
      16 * 1024,
      Math.min(500, Number(values.rounds)),
    )
    results[`${path}ThroughputMiBs`] = await throughput(ws, Number(values.mib))
    ws.close()
  }
  const d = results.directLatency32B as Stats
  const b = results.bffLatency32B as Stats
  results.relayAddsP50Ms = round(b.p50 - d.p50)
  results.relayAddsP99Ms = round(b.p99 - d.p99)
  results.throughputRatio = round(
    (results.bffThroughputMiBs as number) / (results.directThroughputMiBs as number),
  )

  // Many consoles at once, each on its own VM (a console session is exclusive per VM).
  const started = Date.now()
  const sockets = await Promise.all(
    Array.from({ length: CONSOLES }, (_, i) => viaBff(`vm-${i}`).catch((e: Error) => e)),
  )
  const openMs = Date.now() - started
  const opened = sockets.filter((s): s is WebSocket => s instanceof WebSocket)
  const rtt: number[] = []
  await Promise.all(
    opened.map(async (ws) => {
      const t = performance.now()
      await roundTrip(ws, Buffer.alloc(32, 1))
      rtt.push(performance.now() - t)
    }),
  )
  results.concurrentConsoles = {
    requested: CONSOLES,
    open: opened.length,
    openAllMs: openMs,
    roundTripAllAtOnce: stats(rtt),
  }
  for (const ws of opened) ws.close()

  mkdirSync(join(root, 'bench/results'), { recursive: true })
  writeFileSync(join(root, 'bench/results/consoles.json'), JSON.stringify(results, null, 2) + '\n')
  console.log(JSON.stringify(results, null, 2))
  child.disconnect()
}

function open(url: string, options: WebSocket.ClientOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['plain.kubevirt.io'], { ...options, perMessageDeflate: false })
    ws.binaryType = 'nodebuffer'
    ws.once('open', () => resolve(ws))
    ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()}`)))
    ws.once('error', reject)
  })
}

/** Sends `data` and resolves once as many bytes came back (the echo may split them). */
function roundTrip(ws: WebSocket, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    let got = 0
    const onMessage = (chunk: Buffer) => {
      got += chunk.length
      if (got >= data.length) {
        ws.off('message', onMessage)
        resolve()
      }
    }
    ws.on('message', onMessage)
    ws.send(data, { binary: true })
  })
}

interface Stats {
  n: number
  p50: number
  p99: number
  mean: number
}

async function latency(ws: WebSocket, size: number, rounds: number): Promise<Stats> {
  const data = Buffer.alloc(size, 7)
  for (let i = 0; i < 50; i++) await roundTrip(ws, data) // warm-up
  const samples: number[] = []
  for (let i = 0; i < rounds; i++) {
    const t = performance.now()
    await roundTrip(ws, data)
    samples.push(performance.now() - t)
  }
  return stats(samples)
}

async function throughput(ws: WebSocket, mib: number): Promise<number> {
  const total = mib * 1024 * 1024
  const chunk = Buffer.alloc(16 * 1024, 3)
  const t = performance.now()
  const done = new Promise<void>((resolve) => {
    let got = 0
    const onMessage = (data: Buffer) => {
      got += data.length
      if (got >= total) {
        ws.off('message', onMessage)
        resolve()
      }
    }
    ws.on('message', onMessage)
  })
  let sent = 0
  while (sent < total) {
    ws.send(chunk, { binary: true })
    sent += chunk.length
    // Keep a bounded amount in flight, as a real client's socket would.
    if (ws.bufferedAmount > 4 * 1024 * 1024)
      await new Promise<void>((resolve) => {
        const check = () => (ws.bufferedAmount < 1024 * 1024 ? resolve() : setImmediate(check))
        check()
      })
  }
  await done
  return round(mib / ((performance.now() - t) / 1000))
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}
