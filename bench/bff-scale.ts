// The BFF at scale: N VMs, M browser streams (cookie sessions), one BFF process.
//
//   node bench/bff-scale.ts [--vms 10000] [--streams 500] [--pages 400] [--changes 40]
//                           [--burst 0] [--backend sim|fake]
//                           [--out bench/results/bff-scale.json]  (relative to the repository)
//
// Three parts, two processes:
// - this process: the cluster (`--backend sim`: the simulator in-process, `guests: 'none'`, on
//   the real control plane; `--backend fake`: lib/fake-kube-api.ts, for 100,000 VMs) and the load
//   generator (logins, list requests, SSE readers). Changes are made here, so "change at the
//   cluster" and "receipt at a client" are read from the same clock.
// - a child process: the real BFF (lib/bff-child.ts), so its event loop is its own.
// Results: bench/results/bff-scale.json.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startBackend } from './lib/bench-backend.ts'
import { benchHttp } from './lib/bench-http.ts'
import { CLUSTER, runBff, SEQ_LABEL, wallNow, type FromBff } from './lib/bff-child.ts'
import { scaleNames } from './lib/fake-kube-fleet.ts'
import { listQueryString } from './lib/list-queries.ts'
import { stats } from './lib/stats.ts'

const BURST_LABEL = 'bench-burst'

if (process.env.VMDECK_BENCH_ROLE === 'bff') await runBff()
else await runBench()

async function runBench(): Promise<void> {
  const root = dirname(dirname(fileURLToPath(import.meta.url)))
  const { values } = parseArgs({
    options: {
      vms: { type: 'string', default: '10000' },
      streams: { type: 'string', default: '500' },
      pages: { type: 'string', default: '400' },
      changes: { type: 'string', default: '40' },
      burst: { type: 'string', default: '0' },
      backend: { type: 'string', default: 'sim' },
      out: { type: 'string', default: 'bench/results/bff-scale.json' },
    },
  })
  const VMS = Number(values.vms)
  const STREAMS = Number(values.streams)
  const PAGES = Number(values.pages)
  const CHANGES = Number(values.changes)
  const BURST = Number(values.burst)
  const loadBefore = os.loadavg()
  const backend = await startBackend(values.backend === 'fake' ? 'fake' : 'sim', VMS, root)
  const watches = backend.watches
  const vmCount = backend.vmCount
  const simStartMs = backend.startMs

  // The BFF in its own process.
  const forkedAt = wallNow()
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    env: {
      ...process.env,
      VMDECK_BENCH_ROLE: 'bff',
      VMDECK_BENCH_KUBECONFIG: backend.kubeconfigPath,
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
  const { port, syncedAt = 0, partialAt = 0 } = await ready
  const base = `http://127.0.0.1:${port}`
  const { call, login } = benchHttp(base)
  const rssNow = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 102.4) / 10
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
      loopDelay: answer.loopDelay,
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
  const queryFor = (i: number) => `/api/v1/clusters/${CLUSTER}/vms?${listQueryString(i)}`
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
  const burstFrames: number[] = []
  const syncs: number[] = []
  const streams: http.ClientRequest[] = []
  const streamAgent = new http.Agent({ keepAlive: false })
  let t = performance.now()
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
          burstFrames[i] = 0
          syncs[i] = 0
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
                  if (frame.startsWith('event: sync')) {
                    syncs[i] = (syncs[i] ?? 0) + 1
                    resolve()
                  }
                  if (!frame.startsWith('event: vms')) continue
                  // Burst frames are counted, not parsed: the load generator shares the cores.
                  if (frame.includes(BURST_LABEL)) {
                    burstFrames[i] = (burstFrames[i] ?? 0) + 1
                    continue
                  }
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
  const target = backend.target
  const change = async (seq: number) => {
    const changedAt = wallNow()
    await backend.label(target.namespace, target.name, SEQ_LABEL, String(seq))
    return changedAt
  }
  for (let seq = 1; seq <= CHANGES; seq++) {
    const changedAt = await change(seq)
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

  // 5. A mass restart: BURST changes to distinct VMs within 10 s, then one timed change that
  // every stream must still receive. The BFF's event loop delay and memory are read around it.
  const runBurst = async () => {
    await rss() // resets the BFF's event loop histogram
    // Distinct VMs, not the timed one (its frames are parsed, burst frames only counted).
    const names = [...scaleNames(Math.min(BURST + 1, VMS))].filter((vm) => vm.name !== target.name)
    const perTick = Math.ceil(BURST / 1000)
    const started = performance.now()
    let peakRssMiB = 0
    for (let i = 0; i < BURST;) {
      for (let k = 0; k < perTick && i < BURST; k++, i++) {
        const vm = names[i % names.length]
        if (vm) await backend.label(vm.namespace, vm.name, BURST_LABEL, String(i))
      }
      if (i % 1000 === 0) peakRssMiB = Math.max(peakRssMiB, rssNow())
      const due = started + (i / BURST) * 10_000
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())))
    }
    const sentMs = performance.now() - started
    const during = await rss()
    const seq = CHANGES + 1
    const changedAt = await change(seq)
    const deadline = performance.now() + 30_000
    while (receipts.some((got) => !got.has(seq)) && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5))
    const reached = receipts.filter((got) => got.has(seq)).length
    const settledMs = wallNow() - changedAt
    const after = await rss()
    return {
      changes: BURST,
      sentMs: Math.round(sentMs),
      bffEventLoopDelayMs: during.loopDelay,
      rssPeakMiB: Math.max(peakRssMiB, during.rssMiB, after.rssMiB),
      rssAfterMiB: after.rssMiB,
      heapUsedAfterMiB: after.heapUsedMiB,
      framesPerStream: stats(burstFrames),
      streamsReachedAfterBurst: reached,
      lastChangeToAllStreamsMs: Math.round(settledMs),
      resyncs: syncs.reduce((sum, n) => sum + n - 1, 0),
    }
  }
  const burst = BURST > 0 ? await runBurst() : undefined
  const watchesWithStreams = Object.fromEntries(
    [...watches].map(([path, w]) => [
      path,
      { open: w.open, maxOpen: w.maxOpen, started: w.started },
    ]),
  )

  for (const req of streams) req.destroy()
  child.send({ type: 'close' })
  await new Promise((resolve) => child.once('exit', resolve))
  await backend.close()

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
    parameters: {
      vms: VMS,
      streams: STREAMS,
      pages: PAGES,
      changes: CHANGES,
      burst: BURST,
      backend: backend.kind,
    },
    simulator: { startMs: round(simStartMs), vms: vmCount },
    firstPage: {
      bffSpawnToFirstRowsMs: round(partialAt - forkedAt),
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
    burst,
    simulatorWatches: watchesWithStreams,
  }
  const out = resolve(root, values.out)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n')
  console.log(JSON.stringify(results, null, 2))
}
