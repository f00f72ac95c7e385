// The simulator at scale: list latency with 10,000 VMs, and one change fanned out to 500 watches.
//
//   node bench/sim-list-watch.ts [--vms 10000] [--watchers 500] [--lists 20] [--changes 100]
//
// The simulator runs as its own process (`apps/cluster-sim/src/main.ts --seed N --guests none`),
// the clients here, over HTTPS on loopback. Results: bench/results/sim.json.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ensureGoBuildsOrExit } from '../scripts/lib/go-builds.mjs'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const { values } = parseArgs({
  options: {
    vms: { type: 'string', default: '10000' },
    watchers: { type: 'string', default: '500' },
    lists: { type: 'string', default: '20' },
    changes: { type: 'string', default: '100' },
  },
})
const VMS = Number(values.vms)
const WATCHERS = Number(values.watchers)
const VM_PATH = '/apis/kubevirt.io/v1/virtualmachines'

// The control plane and CRDs the simulator runs on, built when missing (inherited by the child).
await ensureGoBuildsOrExit({ root })
const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bench-sim-'))
const kubeconfig = join(stateDir, 'kubeconfig')
const started = performance.now()
const child = spawn(
  process.execPath,
  [
    join(root, 'apps/cluster-sim/src/main.ts'),
    '--seed',
    String(VMS),
    '--guests',
    'none',
    '--port',
    '0',
    '--metrics-port',
    '0',
    '--state-dir',
    stateDir,
    '--kubeconfig',
    kubeconfig,
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    // The simulator's KubeVirt: KubeVirt's own virt-controller does not settle 10,000 VMs on a
    // small machine (docs/PERFORMANCE.md); this bench measures the API server's lists and watches.
    env: { ...process.env, VMDECK_KUBEVIRT: process.env.VMDECK_KUBEVIRT ?? 'sim' },
  },
)
// A failed run must not leave the simulator (and its control plane) behind.
process.on('exit', () => child.kill('SIGTERM'))
const url = await new Promise<string>((resolve, reject) => {
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    const match = /Kubernetes API at (\S+)/.exec(out)
    if (match?.[1]) resolve(match[1])
  })
  child.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)))
})
const startupMs = performance.now() - started
// Resident memory of the control plane (its pid is in cluster.json) and of the simulator.
const controlPlanePid = (
  JSON.parse(readFileSync(join(stateDir, 'controlplane', 'cluster.json'), 'utf8')) as {
    pid: number
  }
).pid
const rssMiB = (pid: number | undefined) => {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Math.round(Number(kb) / 1024)
}
const memoryAfterStart = { controlPlane: rssMiB(controlPlanePid), simulator: rssMiB(child.pid) }
const config = JSON.parse(readFileSync(kubeconfig, 'utf8')) as {
  clusters: { cluster: { 'certificate-authority-data': string } }[]
  users: { name: string; user: { token: string } }[]
}
const ca = Buffer.from(config.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64')
const token = config.users.find((u) => u.name === 'admin')?.user.token ?? ''
const agent = new Agent({ ca, keepAlive: true, maxSockets: WATCHERS + 10 })

function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  return new Promise<{ status: number; text: string; ms: number }>((resolve, reject) => {
    const t0 = performance.now()
    const req = request(
      url + path,
      { method, agent, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
            ms: performance.now() - t0,
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1] ?? 0),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  }
}

// 1. Full list (what an informer does at start and after a 410), then paged with limit=500.
const full: number[] = []
let bytes = 0
let listRv = ''
for (let i = 0; i < Number(values.lists); i++) {
  const { status, text, ms } = await call('GET', VM_PATH)
  if (status !== 200) throw new Error(`list answered ${status}`)
  const list = JSON.parse(text) as { items: unknown[]; metadata: { resourceVersion: string } }
  if (list.items.length < VMS) throw new Error(`listed ${list.items.length} VMs, expected ${VMS}`)
  bytes = text.length
  listRv = list.metadata.resourceVersion
  full.push(ms)
}
const paged: number[] = []
for (let i = 0; i < 5; i++) {
  const t0 = performance.now()
  let next = ''
  do {
    const { text } = await call('GET', `${VM_PATH}?limit=500${next ? `&continue=${next}` : ''}`)
    next = (JSON.parse(text) as { metadata: { continue?: string } }).metadata.continue ?? ''
  } while (next)
  paged.push(performance.now() - t0)
}

// 2. Fan-out: WATCHERS watches from the list's resourceVersion; each change is a label patch on
// one VM; latency = patch sent → the event parsed by the last watcher.
const target = 'prod/vm-00000'
const arrivals = new Map<string, number[]>()
let connected = 0
const watches: ReturnType<typeof request>[] = []
// kube-apiserver's priority and fairness answers some of 500 simultaneous watch starts with 429
// and Retry-After; like client-go, wait and try again.
const openWatch = (): void => {
  const req = request(
    `${url}${VM_PATH}?watch=1&resourceVersion=${listRv}&allowWatchBookmarks=true`,
    { agent, headers: { authorization: `Bearer ${token}` } },
    (res) => {
      if (res.statusCode === 429) {
        res.resume()
        setTimeout(openWatch, Number(res.headers['retry-after'] ?? 1) * 1000)
        return
      }
      connected++
      let buffer = ''
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString()
        let newline = buffer.indexOf('\n')
        while (newline >= 0) {
          const line = buffer.slice(0, newline)
          buffer = buffer.slice(newline + 1)
          newline = buffer.indexOf('\n')
          const event = JSON.parse(line) as {
            object: { metadata: { labels?: Record<string, string> } }
          }
          const mark = event.object.metadata.labels?.['bench-mark']
          if (mark) arrivals.get(mark)?.push(performance.now())
        }
      })
    },
  )
  watches.push(req)
  req.end()
}
for (let i = 0; i < WATCHERS; i++) openWatch()
while (connected < WATCHERS) await new Promise((r) => setTimeout(r, 20))
const fanOut: number[] = []
const changeStart = performance.now()
for (let i = 0; i < Number(values.changes); i++) {
  const mark = `m${i}`
  arrivals.set(mark, [])
  const sent = performance.now()
  const [ns, name] = target.split('/')
  const patch = await call(
    'PATCH',
    `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines/${name}`,
    { metadata: { labels: { 'bench-mark': mark } } },
    'application/merge-patch+json',
  )
  if (patch.status !== 200) throw new Error(`patch answered ${patch.status}: ${patch.text}`)
  while ((arrivals.get(mark)?.length ?? 0) < WATCHERS) await new Promise((r) => setImmediate(r))
  fanOut.push(Math.max(...(arrivals.get(mark) ?? [])) - sent)
}
const changeSeconds = (performance.now() - changeStart) / 1000
for (const w of watches) w.destroy()

const result = {
  date: new Date().toISOString(),
  machine: 'see docs/PERFORMANCE.md (2 shared cores, loopback)',
  method:
    'the real control plane (kube-apiserver v1.37, etcd) started by the simulator in its own process (--seed N --guests none); clients here over HTTPS keep-alive to kube-apiserver; list = full JSON body received; fan-out = merge patch sent → event parsed by all watchers; RSS from /proc',
  vms: VMS,
  watchers: WATCHERS,
  startupMs: Math.round(startupMs),
  rssMiB: {
    afterStart: memoryAfterStart,
    afterFanOut: { controlPlane: rssMiB(controlPlanePid), simulator: rssMiB(child.pid) },
  },
  listBytes: bytes,
  listFullMs: stats(full),
  listPagedLimit500Ms: stats(paged),
  fanOutMs: stats(fanOut),
  eventsDeliveredPerSecond: Math.round((fanOut.length * WATCHERS) / changeSeconds),
}
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(join(root, 'bench/results/sim.json'), JSON.stringify(result, null, 2) + '\n')
console.log(JSON.stringify(result, null, 2))
agent.destroy()
child.kill('SIGTERM')
await new Promise((r) => child.once('exit', r))
rmSync(stateDir, { recursive: true, force: true })
