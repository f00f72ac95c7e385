// In a pod (deploy/), the BFF reads its service account instead of a kubeconfig: the Deployment
// sets no KUBECONFIG and Kubernetes sets KUBERNETES_SERVICE_HOST. The demo overlay sets KUBECONFIG
// (the simulator's), which wins.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { configFromEnv } from '../../apps/bff/src/config.ts'

// The BFF refuses keys written in the repository, so the tests make their own.
const base = { VMDECK_SESSION_KEYS: randomBytes(32).toString('base64url') }
const quiet = () => {}

describe('BFF configuration in a pod', () => {
  it('uses in-cluster config when Kubernetes is around and no kubeconfig is given', () => {
    const config = configFromEnv(
      { ...base, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
      quiet,
    )
    expect(config.inCluster).toBe(true)
  })

  it('prefers KUBECONFIG when it is set, and a kubeconfig outside a pod', () => {
    expect(
      configFromEnv(
        { ...base, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBECONFIG: '/var/lib/vmdeck/kubeconfig' },
        quiet,
      ),
    ).toMatchObject({ kubeconfigPath: '/var/lib/vmdeck/kubeconfig' })
    expect(
      configFromEnv({ ...base, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBECONFIG: '/k' }, quiet)
        .inCluster,
    ).toBeUndefined()
    expect(configFromEnv(base, quiet).inCluster).toBeUndefined()
  })
})
