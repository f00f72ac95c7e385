// Start-up of the simulated cluster returns once the seeded fleet reached its steady state, as it
// does with the simulator's own KubeVirt: with KubeVirt's virt-controller that state is read from
// the VMs' printableStatus.
import type { ClusterStore } from '../cluster/cluster-store.ts'
import type { ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'

/**
 * The statuses a VM passes through on its way to running or stopped (KubeVirt's printableStatus).
 * Provisioning and WaitingForVolumeBinding are not among them: a disk import may take as long as
 * it takes (the demo keeps one importing), and start-up does not wait for it.
 */
const TRANSIENT = new Set(['', 'Starting', 'Stopping', 'Terminating', 'Migrating'])

const moving = (vm: KObject) =>
  !vm.metadata.deletionTimestamp &&
  TRANSIENT.has((vm.status as { printableStatus?: string } | undefined)?.printableStatus ?? '')

/** Resolves once no VM is between states (or after `timeoutMs`: a stuck VM does not stop start-up). */
export function fleetSettled(
  store: ClusterStore,
  vmDef: ResourceDef,
  timeoutMs = 60_000,
): Promise<void> {
  const settled = () => !store.list(vmDef).items.some(moving)
  if (settled()) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      stop()
      resolve()
    }
    const timer = setTimeout(done, timeoutMs)
    const stop = store.watch(vmDef, store.revision, () => {
      if (settled()) queueMicrotask(done)
    })
  })
}
