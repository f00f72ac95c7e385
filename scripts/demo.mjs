// `npm run demo`: builds what is missing, starts the simulator and the BFF (serving the SPA),
// prints the URL and demo users; Ctrl+C stops everything it started.
import { join } from 'node:path'
import { buildWeb } from './build-web.mjs'
import { stopAll, waitForExit } from './lib/processes.mjs'
import { startStack } from './stack.mjs'

const root = process.env.VMDECK_ROOT ?? process.cwd()
const step = (message) => console.log(`\x1b[36m▸\x1b[0m ${message}`)

if (buildWeb(root, step) !== 0) process.exit(1)
step('starting the cluster simulator and the BFF')
const stack = await startStack({
  root,
  stateDir: join(root, '.vmdeck'),
  simPort: Number(process.env.VMDECK_SIM_PORT ?? 6443),
  bffPort: Number(process.env.VMDECK_PORT ?? 8080),
})
console.log(`
  vmdeck is running:   ${stack.url}
  demo users:          admin (everything), helpdesk (consoles), viewer (read-only): pick one on the login page
  kubectl:             kubectl --kubeconfig ${stack.kubeconfig} get vms -A
  Ctrl+C stops everything.
`)

let stopping = false
async function shutdown() {
  if (stopping) return
  stopping = true
  step('stopping')
  stopAll('SIGTERM')
  await Promise.all([waitForExit(stack.bff), waitForExit(stack.sim)])
  process.exit(0)
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown())
for (const child of [stack.sim, stack.bff]) {
  child.on('exit', (code) => {
    if (stopping) return
    console.error(`a vmdeck process exited unexpectedly (code ${code}); stopping the demo`)
    void shutdown()
  })
}
