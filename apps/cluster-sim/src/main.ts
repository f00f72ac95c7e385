import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startSim } from './sim.ts'

// `npm run sim -- --kubeconfig <path> [--port N]`: the simulated cluster on its own.
const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    port: { type: 'string', default: '6443' },
    host: { type: 'string', default: '127.0.0.1' },
    'state-dir': { type: 'string' },
    seed: { type: 'string', default: 'demo' },
  },
})
const root = process.env.VMDECK_ROOT ?? process.cwd()
const stateDir = resolve(values['state-dir'] ?? resolve(root, '.vmdeck/sim'))
const sim = await startSim({
  stateDir,
  kubeconfigPath: resolve(values.kubeconfig ?? resolve(root, '.vmdeck/kubeconfig')),
  host: values.host,
  port: Number(values.port),
  seed: values.seed === 'none' ? 'none' : 'demo',
})
console.log(`cluster-sim: Kubernetes API at ${sim.url}`)
console.log(`cluster-sim: kubeconfig ${sim.kubeconfigPath} (contexts admin, helpdesk, viewer)`)

let closing = false
const stop = () => {
  if (closing) return
  closing = true
  void sim.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
