// The BFF at scale: 10,000 VMs in the simulator, 500 browser streams (cookie sessions).
//
//   node bench/bff-scale.ts [--vms 10000] [--streams 500] [--pages 400] [--changes 40]
//                           [--out bench/results/bff-scale.json]  (relative to the repository)
//
// Three parts, two processes:
// - this process: the simulator (in-process `startSim`, `guests: 'none'`) and the load generator
//   (logins, list requests, 500 SSE readers). Changes are made in the simulator's object store
//   here, so "change at the simulator" and "receipt at a client" are read from the same clock.
// - a child process: the real BFF (`apps/bff/src/app.ts` on Fastify, listening on loopback),
//   so its event loop is its own. It reports over IPC the moment its VM cache emits a change
//   (before the fan-out to streams: its own subscriber is the first registered), as wall-clock
//   time (`performance.timeOrigin + performance.now()`, comparable across processes).
// Watches are counted on the simulator's HTTPS server: `https.createServer` is wrapped before
// the simulator is imported, and a `request` listener tracks in-flight `watch=1|true` requests.
// Results: bench/results/bff-scale.json.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { syncBuiltinESMExports } from 'node:module'
import os, { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ensureGoBuildsOrExit } from '../scripts/lib/go-builds.mjs'

const wallNow = () => performance.timeOrigin + performance.now()
const ORIGIN = 'http://vmdeck.bench'
const CLUSTER = 'vmdeck-sim'
const SEQ_LABEL = 'bench-seq'

interface FromBff {
  type: 'ready' | 'emit' | 'fanout' | 'memory'
  port?: number
  syncedAt?: number
  seq?: number
  at?: number
  memory?: NodeJS.MemoryUsage
  summaries?: number
  /** Server-side time of the VM list requests since the last report (Fastify's elapsedTime). */
  serverMs?: number[]
}

if (process.env.VMDECK_BENCH_ROLE === 'bff') await runBff()
else await runBench()

/** The child: the real BFF against the simulator's kubeconfig, on a random loopback port. */
async function runBff(): Promise<void> {
  const send = (message: FromBff) => process.send?.(message)
  const { default: app } = await import('../apps/bff/src/app.ts')
  const { default: Fastify } = await import('fastify')
  const fastify = Fastify({ logger: false })
  await fastify.register(app, {
    kubeconfigPath: process.env.VMDECK_BENCH_KUBECONFIG ?? '',
    sessionKeys: ['bench-session-key-0123456789abcdef0123456789'],
    publicOrigin: ORIGIN,
    demo: true,
    // One demo user holds every stream here; the per-user cap (default 20) would refuse them.
    maxStreamsPerUser: 100_000,
  })
  let serverMs: number[] = []
  fastify.addHook('onResponse', async (request, reply) => {
    if (/\/vms\?/.test(request.url)) serverMs.push(reply.elapsedTime)
  })
  await fastify.ready()
  const cluster = fastify.clusters.get(CLUSTER)
  if (!cluster) throw new Error(`no cluster ${CLUSTER}`)
  // First subscriber: runs before every stream's, so this is the BFF's receipt, pre-fan-out.
  cluster.vms.subscribe((change) => {
    if (change.type !== 'upsert') return
    const seq = change.vm.labels[SEQ_LABEL]
    if (seq !== undefined) send({ type: 'emit', seq: Number(seq), at: wallNow() })
  })
  while (!cluster.vms.synced || !fastify.revocations.ready)
    await new Promise((resolve) => setTimeout(resolve, 5))
  const syncedAt = wallNow()
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const address = fastify.server.address()
  send({
    type: 'ready',
    port: typeof address === 'object' && address ? address.port : 0,
    syncedAt,
  })
  process.on('message', (message: { type: string }) => {
    if (message.type === 'memory') {
      send({ type: 'memory', memory: process.memoryUsage(), summaries: cluster.vms.size, serverMs })
      serverMs = []
    }
    // Subscribed after every open stream's listener: runs once the fan-out has been written.
    if (message.type === 'tail')
      cluster.vms.subscribe((change) => {
        if (change.type !== 'upsert') return
        const seq = change.vm.labels[SEQ_LABEL]
        if (seq !== undefined) send({ type: 'fanout', seq: Number(seq), at: wallNow() })
      })
    if (message.type === 'close') void fastify.close().then(() => process.exit(0))
  })
}

async function runBench(): Promise<void> {
  const root = dirname(dirname(fileURLToPath(import.meta.url)))
  const { values } = parseArgs({
    options: {
      vms: { type: 'string', default: '10000' },
      streams: { type: 'string', default: '500' },
      pages: { type: 'string', default: '400' },
      changes: { type: 'string', default: '40' },
      out: { type: 'string', default: 'bench/results/bff-scale.json' },
    },
  })
  const VMS = Number(values.vms)
  const STREAMS = Number(values.streams)
  const PAGES = Number(values.pages)
  const CHANGES = Number(values.changes)
  // The control plane and CRDs the simulator runs on, built when missing.
  await ensureGoBuildsOrExit({ root })
  const loadBefore = os.loadavg()

  // Watches the simulator serves, counted on its HTTPS server without touching its files.
  const watches = new Map<string, { open: number; maxOpen: number; started: number }>()
  const originalCreateServer = https.createServer
  const wrapped = ((...args: Parameters<typeof https.createServer>) => {
    const server = originalCreateServer(...args)
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const url = new URL(req.url ?? '/', 'https://sim')
      if (!['1', 'true'].includes(url.searchParams.get('watch') ?? '')) return
      const selector = url.searchParams.get('labelSelector')
      const key = url.pathname + (selector ? `?labelSelector=${selector}` : '')
      const entry = watches.get(key) ?? { open: 0, maxOpen: 0, started: 0 }
      watches.set(key, entry)
      entry.open++
      entry.started++
      entry.maxOpen = Math.max(entry.maxOpen, entry.open)
      res.on('close', () => entry.open--)
    })
    return server
  }) as typeof https.createServer
  https.createServer = wrapped
  syncBuiltinESMExports()
  const { startSim } = await import('../apps/cluster-sim/src/sim.ts')

  const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bench-bff-'))
  let t = performance.now()
  const sim = await startSim({ stateDir, port: 0, seed: VMS, guests: 'none' })
  const simStartMs = performance.now() - t
  https.createServer = originalCreateServer
  syncBuiltinESMExports()
  const vmDef = sim.registry.defs.find(
    (d) => d.group === 'kubevirt.io' && d.plural === 'virtualmachines',
  )
  if (!vmDef) throw new Error('no VirtualMachine resource in the simulator')
  const vmCount = sim.store.peekList(vmDef).items.length

  // The BFF in its own process.
  const forkedAt = wallNow()
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    env: {
      ...process.env,
      VMDECK_BENCH_ROLE: 'bff',
      VMDECK_BENCH_KUBECONFIG: sim.kubeconfigPath,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const emits = new Map<number, number>()
  const fanouts = new Map<number, number>()
  let memoryWaiter: ((m: FromBff) => void) | undefined
  const ready = new Promise<FromBff>((resolve, reject) => {
    child.on('message', (message: FromBff) => {
      if (message.type === 'ready') resolve(message)
      if (message.type === 'emit' && message.seq !== undefined && message.at !== undefined)
        emits.set(message.seq, message.at)
      if (message.type === 'fanout' && message.seq !== undefined && message.at !== undefined)
        fanouts.set(message.seq, message.at)
      if (message.type === 'memory') memoryWaiter?.(message)
    })
    child.on('exit', (code) => reject(new Error(`BFF exited with ${code}`)))
  })
  const { port, syncedAt = 0 } = await ready
  const base = `http://127.0.0.1:${port}`
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })

  const call = (method: string, path: string, cookie?: string, body?: unknown) =>
    new Promise<{ status: number; text: string; ms: number; cookie?: string }>(
      (resolve, reject) => {
        const t0 = performance.now()
        const payload = body === undefined ? undefined : JSON.stringify(body)
        const req = http.request(
          base + path,
          {
            method,
            agent,
            headers: {
              origin: ORIGIN,
              ...(cookie ? { cookie } : {}),
              ...(payload ? { 'content-type': 'application/json' } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => {
              const set = res.headers['set-cookie']?.[0]?.split(';')[0]
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString(),
                ms: performance.now() - t0,
                ...(set ? { cookie: set } : {}),
              })
            })
          },
        )
        req.on('error', reject)
        req.end(payload)
      },
    )
  const login = async (demoUser: string) => {
    const answer = await call('POST', '/api/v1/session', undefined, { demoUser })
    if (answer.status !== 200 || !answer.cookie) throw new Error(`login: ${answer.text}`)
    return answer.cookie
  }
  const rss = async () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
    const answer = await new Promise<FromBff>((resolve) => {
      memoryWaiter = resolve
      child.send({ type: 'memory' })
    })
    const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
    return {
      rssMiB: mib(kb('VmRSS') * 1024),
      peakRssMiB: mib(kb('VmHWM') * 1024),
      heapUsedMiB: mib(answer.memory?.heapUsed ?? 0),
      heapTotalMiB: mib(answer.memory?.heapTotal ?? 0),
      externalMiB: mib(answer.memory?.external ?? 0),
      summaries: answer.summaries ?? 0,
      serverMs: answer.serverMs ?? [],
    }
  }

  // 1. Time to the first page: login, then the first page of the default list.
  const adminCookie = await login('admin')
  const firstPage = await call(
    'GET',
    `/api/v1/clusters/${CLUSTER}/vms?limit=50&sort=name`,
    adminCookie,
  )
  if (firstPage.status !== 200) throw new Error(`first page: ${firstPage.status} ${firstPage.text}`)
  const firstPageTotal = (JSON.parse(firstPage.text) as { total: number }).total
  const firstPageAt = wallNow()
  const memoryIdle = await rss()

  // 2. Filtered, sorted pages with varied filters (sequential: latency, not throughput).
  const namespaces = ['', 'prod', 'dev', 'default']
  const statuses = ['', 'Running', 'Stopped', 'Running,Stopped']
  const sorts = ['name', '-name', 'namespace', 'status', '-createdAt', 'node']
  const searches = ['', 'vm-01', 'web', '000', 'db', 'vm-09999', 'nomatch']
  const queryFor = (i: number) => {
    const params = new URLSearchParams({ limit: '50' })
    const ns = namespaces[i % namespaces.length]
    const status = statuses[Math.floor(i / 4) % statuses.length]
    const search = searches[i % searches.length]
    if (ns) params.set('namespace', ns)
    if (status) params.set('status', status)
    if (search) params.set('search', search)
    params.set('sort', sorts[i % sorts.length] ?? 'name')
    if (i % 5 === 0) params.set('offset', String((i * 37) % 2000))
    return `/api/v1/clusters/${CLUSTER}/vms?${params}`
  }
  const pageRun = async () => {
    const samples: number[] = []
    for (let i = 0; i < PAGES; i++) {
      const answer = await call('GET', queryFor(i), adminCookie)
      if (answer.status !== 200) throw new Error(`page ${queryFor(i)}: ${answer.status}`)
      samples.push(answer.ms)
    }
    return stats(samples)
  }
  const pagesIdle = await pageRun()

  // 3. 500 streams, each its own cookie session (admin, helpdesk, viewer in turn).
  const users = ['admin', 'helpdesk', 'viewer']
  const receipts: Map<number, number>[] = []
  const streams: http.ClientRequest[] = []
  const streamAgent = new http.Agent({ keepAlive: false })
  t = performance.now()
  const cookies: string[] = []
  for (let i = 0; i < STREAMS; i++) cookies.push(await login(users[i % users.length] ?? 'admin'))
  const loginsMs = performance.now() - t
  t = performance.now()
  await Promise.all(
    cookies.map(
      (cookie, i) =>
        new Promise<void>((resolve, reject) => {
          const got = new Map<number, number>()
          receipts[i] = got
          let buffer = ''
          const req = http.request(
            `${base}/api/v1/clusters/${CLUSTER}/events/stream?topics=vms`,
            { agent: streamAgent, headers: { cookie, accept: 'text/event-stream' } },
            (res) => {
              if (res.statusCode !== 200) reject(new Error(`stream ${i}: ${res.statusCode}`))
              res.setEncoding('utf8')
              res.on('data', (chunk: string) => {
                const at = wallNow()
                buffer += chunk
                let end: number
                while ((end = buffer.indexOf('\n\n')) >= 0) {
                  const frame = buffer.slice(0, end)
                  buffer = buffer.slice(end + 2)
                  if (frame.startsWith('event: sync')) resolve()
                  if (!frame.startsWith('event: vms')) continue
                  const data = frame.slice(frame.indexOf('data: ') + 6)
                  const change = JSON.parse(data) as {
                    type: string
                    vm?: { labels: Record<string, string> }
                  }
                  const seq = change.vm?.labels[SEQ_LABEL]
                  if (seq !== undefined && !got.has(Number(seq))) got.set(Number(seq), at)
                }
              })
            },
          )
          req.on('error', reject)
          req.end()
          streams.push(req)
        }),
    ),
  )
  const streamsOpenMs = performance.now() - t
  const memoryStreams = await rss()
  const pagesWithStreams = await pageRun()
  child.send({ type: 'tail' })

  // 4. Changes at the simulator, fanned out to every stream.
  const fromSim: number[] = []
  const fromBff: number[] = []
  const simToBff: number[] = []
  const bffFanout: number[] = []
  const lastClient: number[] = []
  let missed = 0
  const target = sim.store.peekList(vmDef).items.find((vm) => vm.metadata.namespace === 'prod')
  if (!target) throw new Error('no VM in prod')
  const targetNamespace = target.metadata.namespace ?? 'prod'
  for (let seq = 1; seq <= CHANGES; seq++) {
    const current = sim.store.get(vmDef, targetNamespace, target.metadata.name ?? '')
    const next = structuredClone(current)
    next.metadata.labels = { ...next.metadata.labels, [SEQ_LABEL]: String(seq) }
    const changedAt = wallNow()
    await sim.store.update(vmDef, next)
    const deadline = performance.now() + 10_000
    while (
      (receipts.some((got) => !got.has(seq)) || !emits.has(seq) || !fanouts.has(seq)) &&
      performance.now() < deadline
    )
      await new Promise((resolve) => setTimeout(resolve, 2))
    const emittedAt = emits.get(seq)
    const fannedOutAt = fanouts.get(seq)
    if (emittedAt !== undefined) simToBff.push(emittedAt - changedAt)
    if (emittedAt !== undefined && fannedOutAt !== undefined)
      bffFanout.push(fannedOutAt - emittedAt)
    let latest = 0
    for (const got of receipts) {
      const at = got.get(seq)
      if (at === undefined) {
        missed++
        continue
      }
      fromSim.push(at - changedAt)
      if (emittedAt !== undefined) fromBff.push(at - emittedAt)
      latest = Math.max(latest, at - changedAt)
    }
    lastClient.push(latest)
    // Let the machine settle between changes (they are not a throughput test).
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const memoryAfter = await rss()
  const watchesWithStreams = Object.fromEntries(
    [...watches].map(([path, w]) => [
      path,
      { open: w.open, maxOpen: w.maxOpen, started: w.started },
    ]),
  )

  for (const req of streams) req.destroy()
  child.send({ type: 'close' })
  await new Promise((resolve) => child.once('exit', resolve))
  await sim.close()
  rmSync(stateDir, { recursive: true, force: true })

  const round = (n: number) => Math.round(n * 100) / 100
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
      memoryGiB: round(os.totalmem() / 1024 ** 3),
      node: process.version,
      loadAverageBefore: loadBefore.map(round),
      loadAverageAfter: os.loadavg().map(round),
      note: 'shared 2-core machine: other engineers run builds and tests at the same time',
    },
    method:
      'simulator + load generator in one process, BFF (apps/bff/src/app.ts on Fastify, logger off) in a child process; HTTP/1.1 on loopback; latencies measured at the client (round trip); change-to-client uses wall-clock time shared by both processes',
    parameters: { vms: VMS, streams: STREAMS, pages: PAGES, changes: CHANGES },
    simulator: { startMs: round(simStartMs), vms: vmCount },
    firstPage: {
      bffSpawnToSyncedMs: round(syncedAt - forkedAt),
      bffSpawnToFirstPageMs: round(firstPageAt - forkedAt),
      firstPageRequestMs: round(firstPage.ms),
      total: firstPageTotal,
    },
    pageLatencyMs: {
      idle: pagesIdle,
      withStreams: pagesWithStreams,
      serverSideIdle: stats(memoryStreams.serverMs),
      serverSideWithStreams: stats(memoryAfter.serverMs),
    },
    streams: {
      loginsMs: round(loginsMs),
      openToSyncMs: round(streamsOpenMs),
      users,
    },
    eventToClientMs: {
      fromSimulatorChange: stats(fromSim),
      fromBffReceipt: stats(fromBff),
      simulatorToBffReceipt: stats(simToBff),
      bffFanoutToAllStreams: stats(bffFanout),
      lastOfAllStreamsFromChange: stats(lastClient),
      missedDeliveries: missed,
    },
    bffMemory: {
      afterSync: { ...memoryIdle, serverMs: undefined },
      withStreams: { ...memoryStreams, serverMs: undefined },
      afterChanges: { ...memoryAfter, serverMs: undefined },
    },
    simulatorWatches: watchesWithStreams,
  }
  const out = join(root, values.out)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n')
  console.log(JSON.stringify(results, null, 2))
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1] ?? 0),
  }
}
