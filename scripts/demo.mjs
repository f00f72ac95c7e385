// `npm run demo`: builds what is missing, starts the simulator and the BFF (serving the SPA),
// prints the URL and demo users; Ctrl+C stops everything it started.
import { join } from 'node:path'
import { buildWeb } from './build-web.mjs'
import { ensureGoBuildsOrExit } from './lib/go-builds.mjs'
import { ensureGuestImage } from './lib/guest-image.mjs'
import { reportGuests } from './lib/guest-progress.mjs'
import { ensurePrometheus } from './lib/prometheus.mjs'
import { stopAll, waitForExit } from './lib/processes.mjs'
import { startStack } from './stack.mjs'

const root = process.env.VMDECK_ROOT ?? process.cwd()
// Request logs would bury the progress and the URL; VMDECK_LOG_LEVEL=info brings them back.
process.env.VMDECK_LOG_LEVEL ??= 'warn'
const step = (message) => console.log(`\x1b[36m▸\x1b[0m ${message}`)

ensureGuestImage(root, step)
if (buildWeb(root, step) !== 0) process.exit(1)
ensurePrometheus()
await ensureGoBuildsOrExit({ root, log: step })
// Ctrl+C while starting stops what has started (the handlers at the end take over from them).
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP']
const stopEarly = () => {
  stopAll('SIGTERM')
  setTimeout(() => process.exit(130), 3000) // the exit hook SIGKILLs what is left
}
for (const signal of signals) process.on(signal, stopEarly)
step('starting the cluster simulator and the BFF')
const stack = await startStack({
  root,
  stateDir: join(root, '.vmdeck'),
  simPort: Number(process.env.VMDECK_SIM_PORT ?? 6443),
  bffPort: Number(process.env.VMDECK_PORT ?? 8080),
  prometheusPort: Number(process.env.VMDECK_PROMETHEUS_PORT ?? 9090),
  // VMDECK_IDP_PORT=0 leaves single sign-on out of the demo.
  idpPort: Number(process.env.VMDECK_IDP_PORT ?? 5556),
})
await reportGuests(stack.kubeconfig, step).catch((error) =>
  step(`could not follow the guests' boot (${error.message}); carrying on`),
)
console.log(`
  vmdeck is running:   ${stack.url}
  demo users:          admin (everything), helpdesk (consoles), viewer (read-only): pick one on the login page
  single sign-on:      ${stack.idp ? `"Log in with the vmdeck demo IdP" (${stack.idp.issuer}): admin / admin-demo-password, helpdesk / helpdesk-demo-password, viewer / viewer-demo-password; users and groups in ${stack.idp.usersFile}` : '(off: VMDECK_IDP_PORT=0)'}
  kubectl:             kubectl --kubeconfig ${stack.kubeconfig} get vms -A
  Prometheus:          ${stack.prometheus?.url ?? '(not started)'}
  Ctrl+C stops everything.
`)

let stopping = false
async function shutdown() {
  if (stopping) return
  stopping = true
  step('stopping')
  stopAll('SIGTERM')
  await Promise.all([stack.bff, stack.sim, stack.idp?.child].filter(Boolean).map(waitForExit))
  process.exit(0)
}
for (const signal of signals) {
  process.off(signal, stopEarly)
  process.on(signal, () => void shutdown())
}
for (const child of [stack.sim, stack.bff, stack.idp?.child].filter(Boolean)) {
  child.on('exit', (code) => {
    if (stopping) return
    console.error(`a vmdeck process exited unexpectedly (code ${code}); stopping the demo`)
    void shutdown()
  })
}
