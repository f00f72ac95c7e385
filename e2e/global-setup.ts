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
  const bffPort = Number(process.env.VMDECK_E2E_PORT ?? 18080)
  // Single sign-on sessions are renewed every second here, so the journey can see a removed
  // group take effect within seconds (the BFF inherits this environment).
  process.env.VMDECK_OIDC_REFRESH_SECONDS ??= '1'
  const stack = await startStack({
    root,
    stateDir,
    simPort: Number(process.env.VMDECK_E2E_SIM_PORT ?? 16443),
    bffPort,
    // Next to the BFF's port, so parallel runs on their own ports do not collide.
    prometheusPort: Number(process.env.VMDECK_E2E_PROMETHEUS_PORT ?? bffPort + 1000),
    // The demo's OpenID provider: kube-apiserver trusts it, the BFF offers "Log in with" it.
    idpPort: Number(process.env.VMDECK_E2E_IDP_PORT ?? bffPort + 2000),
    quiet: true,
  })
  process.env.VMDECK_E2E_KUBECONFIG = stack.kubeconfig
  // A failed journey reads virt-controller's log here (fixtures: attachKubeVirtState).
  process.env.VMDECK_E2E_STATE_DIR = stateDir
  if (stack.idp) {
    process.env.VMDECK_E2E_IDP_ISSUER = stack.idp.issuer
    process.env.VMDECK_E2E_IDP_USERS = stack.idp.usersFile
  }
  return async () => {
    stopAll('SIGTERM')
    await Promise.all([
      waitForExit(stack.bff),
      waitForExit(stack.sim),
      stack.idp && waitForExit(stack.idp.child),
      stack.prometheus?.stop(),
    ])
    rmSync(stateDir, { recursive: true, force: true })
  }
}
