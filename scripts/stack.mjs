// Starts the simulator and the BFF (serving the built SPA) as child processes; used by the demo
// and by the end-to-end tests.
import { join } from 'node:path'
import { start, waitForLine } from './lib/processes.mjs'

export async function startStack({ root, stateDir, simPort, bffPort, quiet = false, demo = true }) {
  const node = process.execPath
  const kubeconfig = join(stateDir, 'kubeconfig')
  const sim = start(
    'sim',
    node,
    [
      join(root, 'apps/cluster-sim/src/main.ts'),
      '--kubeconfig',
      kubeconfig,
      '--port',
      String(simPort),
      '--state-dir',
      join(stateDir, 'sim'),
    ],
    { cwd: root, quiet },
  )
  await waitForLine(sim, /Kubernetes API at (\S+)/)
  const bff = start('bff', node, [join(root, 'apps/bff/src/server.ts')], {
    cwd: root,
    quiet,
    env: {
      ...process.env,
      KUBECONFIG: kubeconfig,
      VMDECK_PORT: String(bffPort),
      VMDECK_DEMO: demo ? '1' : '0',
      VMDECK_LOG_LEVEL: process.env.VMDECK_LOG_LEVEL ?? (quiet ? 'warn' : 'info'),
      VMDECK_SESSION_KEYS:
        process.env.VMDECK_SESSION_KEYS ?? 'demo-only-session-key-not-for-production-use',
    },
  })
  await waitForLine(bff, /Server listening at|listening on/i)
  return { sim, bff, kubeconfig, url: `http://127.0.0.1:${bffPort}` }
}
