// Metrics end to end below the browser: the BFF's routes against a real Prometheus (Debian's)
// scraping the simulator's /metrics, with a real QEMU guest behind the running VM.
import { startSim, type Sim } from '@vmdeck/cluster-sim'
import type {
  FleetMetricsResponse,
  MetricPoint,
  NodeMetricsResponse,
  VmMetricResponse,
} from '@vmdeck/shared'
import Fastify, { type FastifyInstance } from 'fastify'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPrometheus } from '../../../scripts/lib/prometheus.mjs'
import { waitForText } from '../../cluster-sim/src/guest/wait-for-text.ts'
import { QemuGuest } from '../../cluster-sim/src/guest/qemu-guest.ts'
import { guestImageDir } from '../../cluster-sim/test/console-test-guests.ts'
import { GuestRegistry } from '../../cluster-sim/src/kubevirt/guest-registry.ts'
import app from '../src/app.ts'
import { listenForMetrics } from '../src/metrics-listener.ts'
import { login } from './helper.ts'

const STOPPED = { namespace: 'dev', name: 'build-runner' } // Halted in the demo seed
/** The demo VMs that run, from the BFF's cache. */
const running = () =>
  [...bff.clusters.get('vmdeck-sim')!.vms.summaries()]
    .filter((vm) => vm.status === 'Running')
    // The simulated one is live-migrated below: migratable ones first.
    .sort(
      (a, b) => Number(b.flags.liveMigratable === true) - Number(a.flags.liveMigratable === true),
    )
    .map(({ namespace, name }) => ({ namespace, name }))

let stateDir: string
let sim: Sim
let bff: FastifyInstance
let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined
/** The demo VM that runs as a real QEMU guest, and one that runs simulated. */
let real: { namespace: string; name: string }
let synthetic: { namespace: string; name: string }
let serial: Socket | undefined
let guest: QemuGuest | undefined
let cookie: string

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Polls `read` until `check` holds (state, not time), failing with the last answer at the deadline. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 60_000) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await read()
    let holds = false
    try {
      holds = check(value)
    } catch {
      // an error answer has another shape: not there yet
    }
    if (holds) return value
    if (Date.now() > deadline)
      throw new Error(
        `condition not met in time; last: ${JSON.stringify(value, (key, v: unknown) =>
          // The last samples say more than the empty start of a range.
          key === 'points' ? (v as MetricPoint[]).filter(([, y]) => y !== null).slice(-12) : v,
        ).slice(0, 1500)}`,
      )
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function get<T>(url: string, as = cookie): Promise<{ status: number; body: T }> {
  const response = await bff.inject({ method: 'GET', url, headers: { cookie: as } })
  return { status: response.statusCode, body: response.json<T>() }
}

const vmMetric = (metric: string, range = '15m', vm = real) =>
  get<VmMetricResponse>(
    `/api/v1/clusters/vmdeck-sim/namespaces/${vm.namespace}/vms/${vm.name}/metrics?metric=${metric}&range=${range}`,
  )

const values = (series: VmMetricResponse['series'][number]) =>
  series.points.map(([, v]) => v).filter((v): v is number => v !== null)
const latest = (series: VmMetricResponse['series'][number] | undefined) =>
  series ? values(series).at(-1) : undefined
/** Every series has at least two samples, and not all the same: the figure moves. */
const moving = (body: VmMetricResponse) =>
  body.series.length > 0 && body.series.every((s) => new Set(values(s)).size >= 2)

function typeLine(line: string, expected: string): Promise<string> {
  const seen = waitForText(serial!, expected, 20_000)
  serial!.write(line + '\r')
  return seen
}

let port: number
const kubevirtMetrics = () => {
  const urls = sim.kubevirtComponents?.metricsUrls
  if (!urls) throw new Error("this suite runs on KubeVirt's own components (VMDECK_KUBEVIRT=real)")
  return urls
}

beforeAll(async () => {
  port = await freePort()
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-metrics-test-'))
  // The demo fleet runs simulated; one running VM gets a real QEMU guest below, whose figures
  // the simulator's /metrics reads as in the demo (qemu mode).
  // A simulated guest's migration lasts 20 s here: long enough for several scrapes to watch it.
  sim = await startSim({ stateDir, port: 0, guests: 'none', simulatedMigrationMs: 20_000 })
  bff = Fastify({ logger: false })
  await bff.register(app, {
    kubeconfigPath: sim.kubeconfigPath,
    sessionKeys: ['test-session-key-0123456789abcdef0123456789'],
    publicOrigin: 'http://vmdeck.test',
    demo: true,
    prometheus: {
      targets: { '*': { url: `http://127.0.0.1:${port}`, scrapeIntervalSeconds: 1 } },
      cacheTtlMs: 200,
      timeoutMs: 3000,
    },
  })
  await bff.ready()
  prometheus = await startPrometheus({
    port,
    quiet: true,
    scrapeInterval: '1s',
    targets: [
      { job: 'kubevirt', url: sim.metricsUrl },
      // KubeVirt's own components, as the demo's Prometheus scrapes them (scripts/stack.mjs).
      { job: 'virt-api', url: kubevirtMetrics().virtApi, insecureSkipVerify: true },
      { job: 'virt-controller', url: kubevirtMetrics().virtController, insecureSkipVerify: true },
    ],
  })
  await eventually(
    async () => [...bff.clusters.values()].every((c) => c.vms.synced) && running(),
    (vms) => vms !== false && vms.length >= 2,
  )
  ;[real, synthetic] = running() as [typeof real, typeof synthetic]
  // The real guest behind one running VM, read by /metrics as the VMI controller's would be.
  guest = await QemuGuest.start({
    id: `metrics-${real.name}`,
    hostname: real.name,
    workDir: join(stateDir, 'guest'),
    imageDir: guestImageDir,
  })
  const registry = new GuestRegistry()
  registry.set(real.namespace, real.name, guest)
  sim.metrics.useGuests(registry)
  serial = guest.connectSerial()
  // The guest may still be booting: ask until its shell answers.
  const answered = waitForText(serial, 'ready-42', 90_000)
  const ask = setInterval(() => serial?.write('echo ready-$((40+2))\r'), 1000)
  await answered.finally(() => clearInterval(ask))
  cookie = await login(bff, 'admin')
}, 150_000)

afterAll(async () => {
  serial?.destroy()
  await prometheus?.stop()
  await guest?.kill()
  await bff?.close()
  await sim?.close()
  if (stateDir) rmSync(stateDir, { recursive: true, force: true })
}, 60_000)

describe('metrics from a real Prometheus scraping the simulator', () => {
  it('reports Prometheus as ok, with the KubeVirt recording rules, in the cluster list', async () => {
    const { body } = await eventually(
      () =>
        get<{ items: { id: string; prometheus?: { state: string; recordingRules?: boolean } }[] }>(
          '/api/v1/clusters',
        ),
      ({ body }) => body.items[0]?.prometheus?.state === 'ok',
    )
    expect(body.items[0]?.prometheus).toEqual({ state: 'ok', recordingRules: true })
  }, 90_000)

  it("scrapes virt-controller's and virt-api's own /metrics", async () => {
    const query = async (promql: string) => {
      const response = await fetch(
        `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`,
      )
      const body = (await response.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] }
      }
      return body.data.result
    }
    // The leader virt-controller says it leads; virt-api's page answers.
    const leading = await eventually(
      () => query('kubevirt_virt_controller_leading_status'),
      (result) => result.some((r) => r.value[1] === '1'),
    )
    expect(leading[0]?.metric.job).toBe('virt-controller')
    const virtApi = await eventually(
      () => query('up{job="virt-api"}'),
      (result) => result[0]?.value[1] === '1',
    )
    expect(virtApi).toHaveLength(1)
  }, 60_000)

  it('CPU rises as % of the vCPUs when the guest works', async () => {
    const idle = await eventually(
      () => vmMetric('cpu'),
      ({ body }) => moving(body),
    )
    expect(idle.body).toMatchObject({ metric: 'cpu', unit: 'percent', range: '15m', step: 5 })
    expect(idle.body.series.map((s) => s.name)).toEqual(['CPU'])
    expect(idle.body.series[0]!.points.length).toBeLessThanOrEqual(241)
    const before = latest(idle.body.series[0])!
    expect(before).toBeLessThan(50)

    await typeLine('while :; do :; done & echo busy-$((2+3))', 'busy-5')
    try {
      const busy = await eventually(
        () => vmMetric('cpu'),
        // An idle guest under software emulation shows 5-45 % on a busy host: busy is well above.
        ({ body }) => (latest(body.series[0]) ?? 0) > Math.max(50, before + 30),
      )
      expect(latest(busy.body.series[0])).toBeLessThanOrEqual(110)
    } finally {
      await typeLine('kill $!; echo calm-$((3+4))', 'calm-7')
    }
  }, 120_000)

  it('memory: used (resident guest RAM) and available, for the real guest', async () => {
    // The tiny guest has no balloon driver and touches most of its RAM while booting, so "used"
    // is what QEMU holds resident of it: it stays put while the guest idles.
    const { body } = await eventually(
      () => vmMetric('memory'),
      ({ body }) => body.series.length === 2 && body.series.every((s) => values(s).length >= 2),
    )
    expect(body.unit).toBe('bytes')
    expect(body.series.map((s) => s.name).sort()).toEqual(['available', 'used'])
    const used = latest(body.series.find((s) => s.name === 'used'))!
    const available = latest(body.series.find((s) => s.name === 'available'))!
    // The guest's memory as QEMU was given it (96 MiB by default in the simulator).
    expect(available).toBeGreaterThanOrEqual(64 * 1024 * 1024)
    expect(used).toBeGreaterThan(0)
    expect(used).toBeLessThanOrEqual(available)
  }, 90_000)

  it('memory: used moves with the workload of a simulated guest', async () => {
    const { body } = await eventually(
      () => vmMetric('memory', '15m', synthetic),
      ({ body }) => {
        const used = body.series.find((s) => s.name === 'used')
        return used !== undefined && new Set(values(used)).size >= 2
      },
    )
    const used = body.series.find((s) => s.name === 'used')!
    const available = latest(body.series.find((s) => s.name === 'available'))!
    for (const v of values(used)) expect(v).toBeLessThanOrEqual(available)
  }, 90_000)

  it.each([
    ['network', 'bytesPerSecond', ['rx default', 'tx default']],
    [
      'storage',
      'bytesPerSecond',
      ['read cloudinit', 'read rootdisk', 'write cloudinit', 'write rootdisk'],
    ],
    ['iops', 'iops', ['read cloudinit', 'read rootdisk', 'write cloudinit', 'write rootdisk']],
  ])(
    '%s: a moving series per interface or drive and direction',
    async (metric, unit, names) => {
      const { body } = await eventually(
        () => vmMetric(metric),
        ({ body }) => moving(body),
      )
      expect(body.unit).toBe(unit)
      expect(body.series.map((s) => s.name).sort()).toEqual(names)
      for (const series of body.series)
        for (const v of values(series)) expect(v).toBeGreaterThanOrEqual(0)
    },
    90_000,
  )

  it('migration: data processed grows and remaining shrinks while a migration runs', async () => {
    const from = bff.clusters.get('vmdeck-sim')!.vms.get(synthetic.namespace, synthetic.name)?.node
    // A live migration as KubeVirt runs it (the node side reports its progress in the VMI).
    const migrate = await sim.request(
      'PUT',
      `/apis/subresources.kubevirt.io/v1/namespaces/${synthetic.namespace}/virtualmachines/${synthetic.name}/migrate`,
      { body: {} },
    )
    expect(migrate.status, migrate.text).toBe(202)
    // In flight (data remaining), the fleet view lists it.
    await eventually(
      () => get<FleetMetricsResponse>('/api/v1/clusters/vmdeck-sim/metrics/fleet'),
      ({ body }) => body.migrations.some((m) => m.name === synthetic.name && m.node === from),
    )
    const { body } = await eventually(
      () => vmMetric('migration', '15m', synthetic),
      ({ body }) => body.series.length === 2 && moving(body),
    )
    expect(body.unit).toBe('bytes')
    const processed = values(body.series.find((s) => s.name === 'processed')!)
    const remaining = values(body.series.find((s) => s.name === 'remaining')!)
    expect(processed.at(-1)!).toBeGreaterThan(processed[0]!)
    expect(remaining.at(-1)!).toBeLessThan(remaining[0]!)
  }, 90_000)

  it('a stopped VM has empty series, not an error', async () => {
    // Wait until Prometheus holds data at all, so "empty" means "this VM has none".
    await eventually(
      () => vmMetric('cpu'),
      ({ body }) => body.series.length > 0,
    )
    for (const metric of ['cpu', 'memory', 'network', 'storage', 'iops', 'migration']) {
      const { status, body } = await vmMetric(metric, '1h', STOPPED)
      expect(status).toBe(200)
      expect(body).toMatchObject({ metric, range: '1h', step: 15, series: [] })
    }
  })

  it('nodes: CPU and memory utilization per node, in percent', async () => {
    const { body } = await eventually(
      () => get<NodeMetricsResponse>('/api/v1/clusters/vmdeck-sim/metrics/nodes?range=15m'),
      ({ body }) =>
        body.cpu.series.length === 3 && body.cpu.series.every((s) => values(s).length >= 2),
    )
    expect(body.cpu.series.map((s) => s.name).sort()).toEqual(['node-1', 'node-2', 'node-3'])
    expect(body.memory.series.map((s) => s.name).sort()).toEqual(['node-1', 'node-2', 'node-3'])
    for (const series of [...body.cpu.series, ...body.memory.series])
      for (const v of values(series)) {
        expect(v).toBeGreaterThanOrEqual(0)
        expect(v).toBeLessThanOrEqual(100)
      }
  }, 60_000)

  it('fleet: VM counts by status, top VMs, node utilization', async () => {
    const { body } = await eventually(
      () => get<FleetMetricsResponse>('/api/v1/clusters/vmdeck-sim/metrics/fleet'),
      ({ body }) => body.topCpu.length > 0 && (body.nodes?.length ?? 0) === 3,
    )
    expect(body.prometheus.state).toBe('ok')
    const total = body.vmCounts.reduce((sum, c) => sum + c.count, 0)
    expect(total).toBe(bff.clusters.get('vmdeck-sim')!.vms.size)
    // The top five of the running VMs, busiest first.
    // (Paused and migrating VMs have a running VMI too, so they may be among them.)
    const names = [...bff.clusters.get('vmdeck-sim')!.vms.summaries()].map(
      (vm) => `${vm.namespace}/${vm.name}`,
    )
    for (const top of [body.topCpu, body.topMemory]) {
      expect(top.length).toBeGreaterThanOrEqual(Math.min(5, running().length))
      expect(top.length).toBeLessThanOrEqual(5)
      for (const vm of top) expect(names).toContain(`${vm.namespace}/${vm.name}`)
      const values = top.map((vm) => vm.value)
      expect(values).toEqual([...values].sort((a, b) => b - a))
    }
    expect(body.nodes!.map((n) => n.node)).toEqual(['node-1', 'node-2', 'node-3'])
  }, 60_000)

  it('shows node metrics only to users who may list nodes', async () => {
    const viewer = await login(bff, 'viewer') // kubevirt.io:view: VMs yes, nodes no
    const nodes = await get<{ code: string }>('/api/v1/clusters/vmdeck-sim/metrics/nodes', viewer)
    expect(nodes.status).toBe(403)
    expect(nodes.body.code).toBe('K8S_FORBIDDEN')
    const fleet = await eventually(
      () => get<FleetMetricsResponse>('/api/v1/clusters/vmdeck-sim/metrics/fleet', viewer),
      ({ body }) => body.topCpu.length > 0,
    )
    expect(fleet.body.nodes).toBeUndefined()
    const vm = await get<VmMetricResponse>(
      `/api/v1/clusters/vmdeck-sim/namespaces/${real.namespace}/vms/${real.name}/metrics?metric=cpu`,
      viewer,
    )
    expect(vm.status).toBe(200)
    expect(vm.body.metric).toBe('cpu')
  })

  it('refuses unknown metrics, bad names and VMs that do not exist', async () => {
    expect((await vmMetric('disk')).status).toBe(400)
    expect((await vmMetric('cpu', '2h')).status).toBe(400)
    expect((await vmMetric('cpu', '1h', { namespace: 'prod', name: 'Bad_Name' })).status).toBe(400)
    const missing = await vmMetric('cpu', '1h', { namespace: 'prod', name: 'no-such-vm' })
    expect(missing.status).toBe(404)
  })

  it('serves the BFF its own /metrics on a separate port, not on the app port the Ingress exposes', async () => {
    // GET /metrics on the app port once answered 200 to anyone.
    const onApp = await bff.inject({ method: 'GET', url: '/metrics' })
    expect(onApp.statusCode).not.toBe(200)
    expect(onApp.body).not.toContain('vmdeck_http_requests_total')
    const metrics = await listenForMetrics(bff, { host: '127.0.0.1', port: 0 })
    try {
      const response = await fetch(metrics.url)
      expect(response.status).toBe(200)
      const body = await response.text()
      expect(body).toContain('vmdeck_http_requests_total{method="GET"')
      expect(body).toMatch(
        /vmdeck_prometheus_queries_total\{cluster="vmdeck-sim",result="sent"\} [1-9]/,
      )
      expect((await fetch(metrics.url.replace('/metrics', '/api/v1/session'))).status).toBe(404)
    } finally {
      await metrics.close()
    }
  })

  // Last: it stops Prometheus.
  it('Prometheus stopped: a 503 with a message, quickly, never a hung request', async () => {
    await prometheus!.stop()
    prometheus = undefined
    const { status, body } = await vmMetric('cpu', '6h')
    expect(status).toBe(503)
    expect(body).toMatchObject({ statusCode: 503, code: 'PROMETHEUS_UNAVAILABLE' })
    expect((body as unknown as { message: string }).message).toMatch(
      /Prometheus could not be reached/,
    )
    // The Overview keeps its counts (from the BFF's cache) and says why the charts are missing
    // (once its last answer, cached for a moment, has expired).
    const fleet = await eventually(
      () => get<FleetMetricsResponse>('/api/v1/clusters/vmdeck-sim/metrics/fleet'),
      ({ body }) => body.prometheus.state === 'unreachable',
      10_000,
    )
    expect(fleet.status).toBe(200)
    expect(fleet.body.prometheus.message).toMatch(/Prometheus could not be reached/)
    expect(fleet.body.vmCounts.length).toBeGreaterThan(0)
  })
})
