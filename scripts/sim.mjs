// `npm run sim -- [--kubeconfig <path>] [--port N]`: the cluster simulator alone, in the foreground.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ensureGoBuildsOrExit } from './lib/go-builds.mjs'
import { ensureGuestImage } from './lib/guest-image.mjs'

const root = process.env.VMDECK_ROOT ?? process.cwd()
const args = process.argv.slice(2)
const step = (message) => console.log(`\x1b[36m▸\x1b[0m ${message}`)
// Real QEMU guests are the default: build their image as `npm run demo` does, unless the guests
// are simulated or the image is someone else's.
const option = (name) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  if (i < 0) return undefined
  return args[i].includes('=') ? args[i].slice(args[i].indexOf('=') + 1) : args[i + 1]
}
if (option('guests') !== 'none' && !option('guest-image-dir')) ensureGuestImage(root, step)
// The control plane and the CRDs the simulator runs on, built when missing; the child inherits
// VMDECK_CONTROLPLANE_BIN and VMDECK_CRD_DIR.
await ensureGoBuildsOrExit({ root })
const child = spawn(process.execPath, [join(root, 'apps/cluster-sim/src/main.ts'), ...args], {
  stdio: 'inherit',
  cwd: root,
})
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)))
