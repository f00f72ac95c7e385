import type { KubeClient, KubeResponse } from '../kube-client.ts'
import { paths } from './paths.ts'

/** The snapshots and restores of a namespace, raw: a cluster without the API answers 404. */
export function listSnapshotsAndRestores(
  client: KubeClient,
  namespace: string,
): Promise<[KubeResponse, KubeResponse]> {
  return Promise.all([
    client.raw({ method: 'GET', path: paths.snapshots(namespace) }),
    client.raw({ method: 'GET', path: paths.restores(namespace) }),
  ])
}

export function getSnapshot(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<KubeResponse> {
  return client.raw({ method: 'GET', path: paths.snapshot(namespace, name) })
}

/** Snapshots a VM (online when it runs); the snapshot goes when it is deleted. */
export async function createSnapshot(
  client: KubeClient,
  namespace: string,
  vmName: string,
  name: string,
): Promise<void> {
  await client.call({
    method: 'POST',
    path: paths.snapshots(namespace),
    body: {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineSnapshot',
      metadata: { name },
      spec: {
        source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: vmName },
        deletionPolicy: 'Delete',
      },
    },
  })
}

export async function deleteSnapshot(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<void> {
  await client.call({ method: 'DELETE', path: paths.snapshot(namespace, name) })
}

/** Restores a (stopped) VM from one of its snapshots. */
export async function createRestore(
  client: KubeClient,
  namespace: string,
  vmName: string,
  snapshot: string,
  name: string,
): Promise<void> {
  await client.call({
    method: 'POST',
    path: paths.restores(namespace),
    body: {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineRestore',
      metadata: { name },
      spec: {
        target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: vmName },
        virtualMachineSnapshotName: snapshot,
      },
    },
  })
}
