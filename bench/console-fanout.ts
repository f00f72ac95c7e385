// Console fan-out: one controller's keystroke round trip on a serial console alone, with 20
// followers watching the same console (one upstream, the output to all 21), and with a follower
// that stops reading (it must be dropped to a resync, not slow the controller).
//
//   node bench/console-fanout.ts [--followers 20] [--rounds 2000] [--followers-in-process]
//
// The server (simulator with an echo server as the guest, and the BFF) is console-relay.ts's
// server mode in a child process. The followers are WebSocket clients in a second child process
// (as they would be other people's browsers): with them in the bench's own process, the 20
// followers' receipts share the controller's event loop and land in its round trips
// (--followers-in-process measures that way, as the first version of this bench did).
// Results: bench/results/console-fanout.json.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { ensureGoBuildsOrExit } from '../scripts/lib/go-builds.mjs'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const { values } = parseArgs({
  options: {
    followers: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2000' },
    'followers-in-process': { type: 'boolean', default: false },
    'followers-child': { type: 'boolean', default: false },
  },
})

// The followers' process: opens them, counts what they receive, and tells the parent.
if (values['followers-child']) {
  const {
    url: childUrl,
    cookie,
    count,
  } = await new Promise<{
    url: string
    cookie: string
    count: number
  }>((resolve) => process.once('message', (m) => resolve(m as never)))
  let bytes = 0
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(childUrl, ['plain.kubevirt.io'], {
            headers: { cookie, origin: 'http://vmdeck.bench' },
          })
          ws.binaryType = 'nodebuffer'
          ws.on('message', (d: Buffer) => (bytes += d.length))
          ws.once('open', () => resolve(ws))
          ws.once('error', reject)
        }),
    ),
  )
  process.send?.({ open: sockets.length })
  process.on('message', (m) => {
    if ((m as { type?: string }).type !== 'stop') return
    for (const ws of sockets) ws.terminate()
    process.send?.({ bytes }, () => process.exit(0))
  })
  await new Promise(() => undefined)
}
const FOLLOWERS = Number(values.followers)
const ROUNDS = Number(values.rounds)
const ORIGIN = 'http://vmdeck.bench'

interface Ready {
  bff: string
  cookie: string
}

await ensureGoBuildsOrExit({ root })
// console-relay.ts's server allows its console count + 10 per user: enough for all of ours.
const child: ChildProcess = fork(
  join(root, 'bench/console-relay.ts'),
  ['--server', '--consoles', String(Math.max(1, FOLLOWERS - 8))],
  { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
)
const ready = await new Promise<Ready>((resolve, reject) => {
  child.once('message', (m) => resolve(m as Ready))
  child.once('exit', (code) => reject(new Error(`server exited ${code}`)))
})
const url = `${ready.bff}/api/v1/clusters/vmdeck-sim/namespaces/bench/vms/vm-0/serial`

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['plain.kubevirt.io'], {
      headers: { cookie: ready.cookie, origin: ORIGIN },
    })
    ws.binaryType = 'nodebuffer'
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** Sends `payload` and waits until as many bytes came back. */
function roundTrip(ws: WebSocket, payload: Buffer): Promise<void> {
  return new Promise((resolve) => {
    let got = 0
    const onMessage = (data: Buffer) => {
      got += data.length
      if (got >= payload.length) {
        ws.off('message', onMessage)
        resolve()
      }
    }
    ws.on('message', onMessage)
    ws.send(payload, { binary: true })
  })
}

interface Stats {
  p50: number
  p99: number
  mean: number
}
const round = (n: number) => Math.round(n * 1000) / 1000
function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  return {
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  }
}

async function latency(ws: WebSocket, rounds: number): Promise<Stats> {
  const payload = Buffer.alloc(32, 0x61)
  for (let i = 0; i < 100; i++) await roundTrip(ws, payload) // warm-up
  const samples: number[] = []
  for (let i = 0; i < rounds; i++) {
    const t = performance.now()
    await roundTrip(ws, payload)
    samples.push(performance.now() - t)
  }
  return stats(samples)
}

const controller = await open()
// The first browser controls; wait for the stream to be held (its first echo).
await roundTrip(controller, Buffer.from('x'))
const alone = await latency(controller, ROUNDS)

const inProcess = values['followers-in-process']
let followers: WebSocket[] = []
let followerBytes = 0
let followerChild: ChildProcess | undefined
if (inProcess) {
  followers = await Promise.all(Array.from({ length: FOLLOWERS }, () => open()))
  for (const f of followers) f.on('message', (d: Buffer) => (followerBytes += d.length))
} else {
  followerChild = fork(fileURLToPath(import.meta.url), ['--followers-child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const opened = new Promise((resolve) => followerChild?.once('message', resolve))
  followerChild.send({ url, cookie: ready.cookie, count: FOLLOWERS })
  await opened
}
const withFollowers = await latency(controller, ROUNDS)
if (followerChild) {
  const child = followerChild
  const done = new Promise<{ bytes: number }>((resolve) =>
    child.once('message', (m) => resolve(m as { bytes: number })),
  )
  child.send({ type: 'stop' })
  followerBytes = (await done).bytes
}

// A follower that stops reading: the controller floods 64 KiB echoes until it is dropped,
// against the same flood with every follower reading.
const flood = Buffer.alloc(64 * 1024, 0x62)
const floodBaseline: number[] = []
for (let i = 0; i < 200; i++) {
  const t = performance.now()
  await roundTrip(controller, flood)
  floodBaseline.push(performance.now() - t)
}
const slow = await open()
slow.pause()
const slowClosed = new Promise<number>((resolve) => slow.once('close', (code) => resolve(code)))
let dropped = false
void slowClosed.then(() => (dropped = true))
const floodStarted = performance.now()
const duringFlood: number[] = []
while (!dropped && performance.now() - floodStarted < 60_000) {
  const t = performance.now()
  await roundTrip(controller, flood)
  duringFlood.push(performance.now() - t)
  // Its close frame waits behind the data it did not read: read on once far more than the
  // BFF's limit for a follower (16 MiB) went out, before the BFF cuts it off for good (5 s), to see the close code.
  if (slow.isPaused && duringFlood.length * flood.length > 24 * 1024 * 1024) slow.resume()
}
const slowCode = dropped ? await slowClosed : undefined
const afterDrop = await latency(controller, Math.min(ROUNDS, 500))

const results = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cores (shared with other work while measured), loopback, Node ${process.version}`,
  method:
    'serial console, echo server as the guest; latency = sequential round trips of 32 B by the controller; followers read everything the console prints',
  followersIn: inProcess ? 'the bench process' : 'a child process of their own',
  loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  followers: FOLLOWERS,
  controllerAlone: alone,
  controllerWithFollowers: withFollowers,
  followersAddP50Ms: round(withFollowers.p50 - alone.p50),
  followerBytesReceived: followerBytes,
  slowFollower: {
    droppedWithCode: slowCode ?? null,
    floodRoundTrips64KiBAllReading: stats(floodBaseline),
    floodRoundTrips64KiBOneNotReading: stats(duringFlood),
    controllerAfterDrop: afterDrop,
  },
}
for (const ws of [controller, ...followers, slow]) ws.terminate()
child.disconnect()
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(
  join(root, `bench/results/console-fanout${inProcess ? '-in-process' : ''}.json`),
  JSON.stringify(results, null, 2) + '\n',
)
console.log(JSON.stringify(results, null, 2))
