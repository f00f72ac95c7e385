// Slow event-stream readers (issue 12): 200 server-sent-event streams whose clients never read,
// while 4,000 VM changes flow through the BFF. Before the fix every stream encoded every change
// into its own string and the kernel/Node buffers filled with 200 copies: 391 → 529 MiB RSS
// (above the 512Mi limit in deploy/base) and /healthz at 1.7 s.
//
//   node bench/stream-slow-readers.ts [--vms 10000] [--readers 200] [--changes 4000]
//                                     [--out bench/results/stream-slow-readers.json]
//
// The simulator runs here (in-process, `guests: 'none'`), so do the changes and the /healthz
// prober; the real BFF runs in a forked child (its own event loop), reporting its RSS every 100 ms
// over IPC. Readers are raw TCP sockets that send the request and then never read: the BFF sees
// what a stuck browser or a hostile client looks like. Not a test: it asserts nothing, it writes
// numbers (summarised in docs/PERFORMANCE.md).
import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import os, { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ensureGoBuildsOrExit } from '../scripts/lib/go-builds.mjs'

const ORIGIN = 'http://vmdeck.bench'
const CLUSTER = 'vmdeck-sim'
const MiB = 1024 * 1024

if (process.env.VMDECK_BENCH_ROLE === 'bff') await runBff()
else await runBench()

async function runBff(): Promise<void> {
  const { default: app } = await import('../apps/bff/src/app.ts')
  const { default: Fastify } = await import('fastify')
  const fastify = Fastify({ logger: { level: 'warn' } })
  await fastify.register(app, {
    kubeconfigPath: process.env.VMDECK_BENCH_KUBECONFIG ?? '',
    sessionKeys: ['bench-session-key-0123456789abcdef0123456789'],
    publicOrigin: ORIGIN,
    demo: true,
    // The worst case: one user holds every reader (the default cap of 20 per user would refuse
    // most of them; 200 readers then take 10 users).
    maxStreamsPerUser: 100_000,
  })
  await fastify.ready()
  const cluster = fastify.clusters.get(CLUSTER)!
  while (!cluster.vms.synced || !fastify.revocations.ready)
    await new Promise((resolve) => setTimeout(resolve, 5))
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const address = fastify.server.address()
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 })
  const timer = setInterval(() => {
    const m = process.memoryUsage()
    process.send?.({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed, external: m.external })
  }, 100)
  process.on('message', (message: { type: string }) => {
    if (message.type === 'close') {
      clearInterval(timer)
      void fastify.close().then(() => process.exit(0))
    }
  })
}

async function runBench(): Promise<void> {
  const root = dirname(dirname(fileURLToPath(import.meta.url)))
  const { values } = parseArgs({
    options: {
      vms: { type: 'string', default: '10000' },
      readers: { type: 'string', default: '200' },
      changes: { type: 'string', default: '4000' },
      out: { type: 'string', default: 'bench/results/stream-slow-readers.json' },
    },
  })
  const VMS = Number(values.vms)
  const READERS = Number(values.readers)
  const CHANGES = Number(values.changes)
  const limitText = /memory: (\d+)Mi/.exec(
    readFileSync(join(root, 'deploy/base/deployment.yaml'), 'utf8').split('limits:')[1] ?? '',
  )?.[1]
  const limitBytes = Number(limitText) * MiB
  // The control plane and CRDs the simulator runs on, built when missing.
  await ensureGoBuildsOrExit({ root })
  const loadBefore = os.loadavg()

  const { startSim } = await import('../apps/cluster-sim/src/sim.ts')
  const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bench-slow-'))
  // The simulator's KubeVirt, quick to settle: the bench measures the BFF's streams.
  const sim = await startSim({ stateDir, port: 0, seed: VMS, guests: 'none', kubevirt: 'sim' })
  const vmDef = sim.registry.defs.find(
    (d) => d.group === 'kubevirt.io' && d.plural === 'virtualmachines',
  )!
  const names = sim.store
    .peekList(vmDef)
    .items.slice(0, 100)
    .map((vm) => ({ namespace: vm.metadata?.namespace ?? '', name: vm.metadata?.name ?? '' }))

  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, VMDECK_BENCH_ROLE: 'bff', VMDECK_BENCH_KUBECONFIG: sim.kubeconfigPath },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const rss: { at: number; rss: number }[] = []
  let phase = 'sync'
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { type: string; port?: number; rss?: number }) => {
      if (m.type === 'ready') resolve(m.port ?? 0)
      if (m.type === 'memory' && m.rss !== undefined && phase !== 'sync')
        rss.push({ at: performance.now(), rss: m.rss })
    })
    child.on('exit', (code) => reject(new Error(`BFF exited with ${code}`)))
  })
  const base = `http://127.0.0.1:${port}`
  const login = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({ demoUser: 'admin' }),
  })
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
  phase = 'baseline'
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const baselineRss = Math.max(...rss.map((r) => r.rss))

  // The readers: request the stream, then never read a byte.
  let cutOff = 0
  const readers: Socket[] = await Promise.all(
    Array.from(
      { length: READERS },
      () =>
        new Promise<Socket>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(
              `GET /api/v1/clusters/${CLUSTER}/events/stream?topics=vms HTTP/1.1\r\nHost: bench\r\nCookie: ${cookie}\r\n\r\n`,
            )
            socket.once('data', () => {
              socket.pause()
              resolve(socket)
            })
          })
          socket.on('error', () => undefined)
          socket.on('close', () => cutOff++)
        }),
    ),
  )

  // /healthz every 20 ms, on its own connection, for the whole run.
  const healthz: number[] = []
  let probing = true
  const prober = (async () => {
    while (probing) {
      const t0 = performance.now()
      await (await fetch(`${base}/healthz`)).text()
      healthz.push(performance.now() - t0)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()

  // 4,000 changes to 100 VMs, in batches with a turn between. Each carries 30 labels of ~60
  // characters, which the VM's summary (and so every stream event) repeats: ~2.5 KB per event.
  phase = 'changes'
  const started = performance.now()
  const labels = (i: number) =>
    Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`k${k}`, `${i}-${'v'.repeat(55)}`]))
  for (let i = 0; i < CHANGES; i++) {
    const ref = names[i % names.length]!
    const vm = sim.store.get(vmDef, ref.namespace, ref.name)
    await sim.store.update(vmDef, {
      ...vm,
      metadata: {
        ...vm.metadata,
        labels: { ...vm.metadata?.labels, ...labels(i), 'bench-seq': String(i) },
      },
    })
    if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const changesMs = performance.now() - started
  phase = 'drain'
  await new Promise((resolve) => setTimeout(resolve, 3000))
  probing = false
  await prober
  for (const socket of readers) socket.destroy()

  const sorted = [...healthz].sort((a, b) => a - b)
  const pct = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
  const peakRss = Math.max(...rss.map((r) => r.rss))
  const result = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadBefore, loadAfter: os.loadavg(), node: process.version },
    vms: VMS,
    readers: READERS,
    changes: CHANGES,
    changesMs: Math.round(changesMs),
    podMemoryLimitMiB: Number(limitText),
    rssMiB: {
      baseline: +(baselineRss / MiB).toFixed(1),
      peak: +(peakRss / MiB).toFixed(1),
      underLimit: peakRss < limitBytes,
    },
    readersCutOff: cutOff,
    healthz: {
      samples: sorted.length,
      p50: +pct(50).toFixed(2),
      p95: +pct(95).toFixed(2),
      p99: +pct(99).toFixed(2),
      max: +(sorted.at(-1) ?? 0).toFixed(2),
    },
  }
  const out = join(root, values.out)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n')
  console.log(JSON.stringify(result, null, 2))
  child.send({ type: 'close' })
  await new Promise((resolve) => child.once('exit', resolve))
  await sim.close()
  rmSync(stateDir, { recursive: true, force: true })
}
