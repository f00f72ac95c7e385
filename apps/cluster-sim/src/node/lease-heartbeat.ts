import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import type { KubeClient } from '../cluster/kube-client.ts'
import { microTime } from './kube-time.ts'
import { pause } from './reflector.ts'

const LEASES = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases'
/** The kubelet's --node-lease-duration-seconds default. */
export const NODE_LEASE_DURATION_SECONDS = 40

export interface LeaseOptions {
  nodeName: string
  nodeUid: string
  /** How often renewTime moves: a quarter of the lease duration (10 s) as the kubelet does. */
  renewIntervalMs: number
}

/**
 * The kubelet's node lease (k8s.io/component-helpers/apimachinery/lease): a Lease named after the
 * node in kube-node-lease, owned by the Node, whose renewTime the node lifecycle controller reads
 * as the heartbeat. Creates it when missing, then updates the last version it wrote; a 409 means
 * someone else wrote it: read it again. Runs until `signal` aborts.
 */
export async function runLeaseHeartbeat(
  client: KubeClient,
  options: LeaseOptions,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<void> {
  let latest: KObject | undefined
  const renewed = (base: KObject | undefined): KObject => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    ...base,
    metadata: {
      ...base?.metadata,
      name: options.nodeName,
      namespace: 'kube-node-lease',
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Node', name: options.nodeName, uid: options.nodeUid },
      ],
    },
    spec: {
      ...(base?.spec as Record<string, unknown> | undefined),
      holderIdentity: options.nodeName,
      leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS,
      renewTime: microTime(),
    },
  })
  const ensure = async (): Promise<KObject> => {
    try {
      return await client.json<KObject>('GET', `${LEASES}/${options.nodeName}`, { signal })
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 404)) throw error
      return client.json<KObject>('POST', LEASES, { body: renewed(undefined), signal })
    }
  }
  while (!signal.aborted) {
    try {
      if (!latest) latest = await ensure()
      latest = await client.json<KObject>('PUT', `${LEASES}/${options.nodeName}`, {
        body: renewed(latest),
        signal,
      })
    } catch (error) {
      if (signal.aborted) return
      latest = undefined
      // A conflict: read the current version and renew at once.
      if (error instanceof StatusError && error.code === 409) continue
      log(`lease of ${options.nodeName} not renewed: ${(error as Error).message}`)
    }
    await pause(options.renewIntervalMs, signal)
  }
}
