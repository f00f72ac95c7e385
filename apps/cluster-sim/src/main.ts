import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startSim } from './sim.ts'

// `npm run sim -- --kubeconfig <path> [--port N | --attach <dir>]`: the simulated cluster on its own.
const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    port: { type: 'string', default: '6443' },
    // KubeVirt's /metrics scrape target (virt-handler serves it on 8443 in a real cluster).
    'metrics-port': { type: 'string', default: '8443' },
    host: { type: 'string', default: '127.0.0.1' },
    'state-dir': { type: 'string' },
    // A control plane's state directory: attach to that running `controlplane run` (its own
    // container) instead of starting one; `--port` is then its flag, not ours.
    attach: { type: 'string' },
    seed: { type: 'string' },
    // The name for the same choice (`--fleet demo|none|N`).
    fleet: { type: 'string' },
    // Real QEMU guests behind running VMIs (`none`: simulated, for scale runs).
    guests: { type: 'string', default: 'qemu' },
    'max-guests': { type: 'string' },
    'guest-image-dir': { type: 'string' },
  },
})
const root = process.env.VMDECK_ROOT ?? process.cwd()
const stateDir = resolve(values['state-dir'] ?? resolve(root, '.vmdeck/sim'))
const attach = values.attach ? resolve(values.attach) : undefined
if (attach) console.log(`cluster-sim: waiting for the control plane of ${attach}`)
const sim = await startSim({
  stateDir,
  ...(attach ? { attach } : {}),
  kubeconfigPath: resolve(values.kubeconfig ?? resolve(root, '.vmdeck/kubeconfig')),
  host: values.host,
  port: Number(values.port),
  metricsPort: Number(values['metrics-port']),
  seed: parseSeed(values.fleet ?? values.seed ?? 'demo'),
  guests: values.guests === 'none' ? 'none' : 'qemu',
  ...(values['max-guests'] ? { maxGuests: Number(values['max-guests']) } : {}),
  ...(values['guest-image-dir'] ? { guestImageDir: resolve(values['guest-image-dir']) } : {}),
})
console.log(`cluster-sim: Kubernetes API at ${sim.url}`)
// One line, which scripts/stack.mjs reads to point Prometheus at every metrics page.
const kubevirtMetrics = sim.kubevirtComponents?.metricsUrls
console.log(
  `cluster-sim: metrics at ${sim.metricsUrl}` +
    (kubevirtMetrics
      ? ` (KubeVirt: ${kubevirtMetrics.virtApi} ${kubevirtMetrics.virtController})`
      : ''),
)
console.log(`cluster-sim: kubeconfig ${sim.kubeconfigPath} (contexts admin, helpdesk, viewer)`)

let closing = false
const stop = () => {
  if (closing) return
  closing = true
  void sim.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

/** `--seed` / `--fleet`: `demo`, `none` or a number of VMs. */
function parseSeed(value: string): 'demo' | 'none' | number {
  if (value === 'demo' || value === 'none') return value
  const count = Number(value)
  if (!Number.isInteger(count) || count < 0) {
    console.error(`cluster-sim: --fleet must be demo, none or a number of VMs, not "${value}"`)
    process.exit(2)
  }
  return count
}
