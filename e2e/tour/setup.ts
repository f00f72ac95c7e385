import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stopAll, waitForExit } from '../../scripts/lib/processes.mjs'
import { startStack } from '../../scripts/stack.mjs'

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))))

/** The demo stack on the tour's own ports, with Prometheus so the metric charts have data. */
export default async function tourSetup(): Promise<() => Promise<void>> {
  const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-tour-'))
  const stack = await startStack({
    root,
    stateDir,
    simPort: Number(process.env.VMDECK_E2E_SIM_PORT ?? 36443),
    bffPort: Number(process.env.VMDECK_E2E_PORT ?? 38080),
    prometheusPort: Number(process.env.VMDECK_E2E_PROMETHEUS_PORT ?? 39090),
    quiet: true,
  })
  return async () => {
    await stack.prometheus?.stop()
    stopAll('SIGTERM')
    await Promise.all([waitForExit(stack.bff), waitForExit(stack.sim)])
    rmSync(stateDir, { recursive: true, force: true })
  }
}
