import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stopAll, waitForExit } from '../scripts/lib/processes.mjs'
import { startStack } from '../scripts/stack.mjs'

const root = dirname(dirname(fileURLToPath(import.meta.url)))

/** The real stack for the browser: simulator + BFF serving the built SPA, on test ports. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-e2e-'))
  const stack = await startStack({
    root,
    stateDir,
    simPort: Number(process.env.VMDECK_E2E_SIM_PORT ?? 16443),
    bffPort: Number(process.env.VMDECK_E2E_PORT ?? 18080),
    // Next to the BFF's port, so parallel runs on their own ports do not collide.
    prometheusPort: Number(
      process.env.VMDECK_E2E_PROMETHEUS_PORT ?? Number(process.env.VMDECK_E2E_PORT ?? 18080) + 1000,
    ),
    quiet: true,
  })
  process.env.VMDECK_E2E_KUBECONFIG = stack.kubeconfig
  return async () => {
    stopAll('SIGTERM')
    await Promise.all([waitForExit(stack.bff), waitForExit(stack.sim), stack.prometheus?.stop()])
    rmSync(stateDir, { recursive: true, force: true })
  }
}
