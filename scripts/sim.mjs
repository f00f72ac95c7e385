// `npm run sim -- [--kubeconfig <path>] [--port N]`: the cluster simulator alone, in the foreground.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ensureGoBuildsOrExit } from './lib/go-builds.mjs'

const root = process.env.VMDECK_ROOT ?? process.cwd()
// The control plane and the CRDs the simulator runs on, built when missing; the child inherits
// VMDECK_CONTROLPLANE_BIN and VMDECK_CRD_DIR.
await ensureGoBuildsOrExit({ root })
const child = spawn(
  process.execPath,
  [join(root, 'apps/cluster-sim/src/main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    cwd: root,
  },
)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)))
