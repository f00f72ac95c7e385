import type { VmSnapshot } from '@vmdeck/shared'
import { listSnapshotsAndRestores } from './api/snapshot-requests.ts'
import type { KubeClient } from './kube-client.ts'
import { kubeError } from './kube-error.ts'
import type { VirtualMachineRestore, VirtualMachineSnapshot } from './types.ts'
import { toVmSnapshot } from './view-models/vm-snapshot.ts'

/**
 * The snapshots of one VM (with their latest restores), read with the user's token so the API
 * server applies RBAC. A user who may not list snapshots, or a cluster without the snapshot API,
 * gets an empty list rather than an error on the VM page.
 */
export async function snapshotsOf(
  client: KubeClient,
  namespace: string,
  vmName: string,
  options: { strict?: boolean } = {},
): Promise<VmSnapshot[]> {
  const [snapshots, restores] = await listSnapshotsAndRestores(client, namespace)
  if (snapshots.status >= 400) {
    if (options.strict && snapshots.status !== 404) {
      throw kubeError(snapshots.status, snapshots.text, '')
    }
    return []
  }
  const restoreItems =
    restores.status < 400
      ? ((restores.body as { items?: VirtualMachineRestore[] }).items ?? [])
      : []
  return ((snapshots.body as { items?: VirtualMachineSnapshot[] }).items ?? [])
    .filter((s) => s.spec?.source?.name === vmName)
    .map((s) => toVmSnapshot(s, restoreItems))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.name.localeCompare(b.name))
}
