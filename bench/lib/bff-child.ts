// The BFF side of the scale benches: the real BFF (`apps/bff/src/app.ts` on Fastify, logger off)
// in a forked child, so its event loop is its own. It reports over IPC, as wall-clock time
// (`performance.timeOrigin + performance.now()`, comparable across processes):
// - `emit`: its VM cache emits a change (its own subscriber is the first registered, so this is
//   the BFF's receipt, before the fan-out to streams);
// - `fanout`: a subscriber registered after the streams' (since the stream hub, the change is then
//   queued for the next batch, not yet written: the client-side receipts time the writes);
// - `memory`: `process.memoryUsage()`, the server time of VM list requests since the last
//   report, and the event loop's delay (perf_hooks.monitorEventLoopDelay) since the last report.
import { monitorEventLoopDelay } from 'node:perf_hooks'

export const wallNow = () => performance.timeOrigin + performance.now()
export const ORIGIN = 'http://vmdeck.bench'
export const CLUSTER = 'vmdeck-sim'
export const SEQ_LABEL = 'bench-seq'

export interface FromBff {
  type: 'ready' | 'emit' | 'fanout' | 'memory'
  port?: number
  syncedAt?: number
  /** When the first page could be served from a partial cache (still loading). */
  partialAt?: number
  seq?: number
  at?: number
  memory?: NodeJS.MemoryUsage
  summaries?: number
  /** Server-side time of the VM list requests since the last report (Fastify's elapsedTime). */
  serverMs?: number[]
  /** Event loop delay since the last report, ms. */
  loopDelay?: { max: number; p99: number; p50: number }
}

export async function runBff(): Promise<void> {
  const send = (message: FromBff) => process.send?.(message)
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const { default: app } = await import('../../apps/bff/src/app.ts')
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
  // The VM list route answers from a partial cache (flagged `loading`) once a first page is in.
  let partialAt: number | undefined
  while (!cluster.vms.synced || !fastify.revocations.ready) {
    if (partialAt === undefined && cluster.vms.size > 0 && fastify.revocations.ready)
      partialAt = wallNow()
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const syncedAt = wallNow()
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const address = fastify.server.address()
  send({
    type: 'ready',
    port: typeof address === 'object' && address ? address.port : 0,
    syncedAt,
    partialAt: partialAt ?? syncedAt,
  })
  loop.reset()
  process.on('message', (message: { type: string }) => {
    if (message.type === 'memory') {
      const ms = (ns: number) => Math.round(ns / 1e4) / 100
      send({
        type: 'memory',
        memory: process.memoryUsage(),
        summaries: cluster.vms.size,
        serverMs,
        loopDelay: {
          max: ms(loop.max),
          p99: ms(loop.percentile(99)),
          p50: ms(loop.percentile(50)),
        },
      })
      serverMs = []
      loop.reset()
    }
    // Subscribed after the streams' listener: runs once the change is queued for them.
    if (message.type === 'tail')
      cluster.vms.subscribe((change) => {
        if (change.type !== 'upsert') return
        const seq = change.vm.labels[SEQ_LABEL]
        if (seq !== undefined) send({ type: 'fanout', seq: Number(seq), at: wallNow() })
      })
    if (message.type === 'close') void fastify.close().then(() => process.exit(0))
  })
}
