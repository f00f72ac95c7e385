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

/** Run strategies that keep a VM running: "Stopped" is only where such a VM starts from. */
const WANTS_RUNNING = new Set(['Always', 'RerunOnFailure'])

const moving = (vm: KObject) => {
  if (vm.metadata.deletionTimestamp) return false
  const status = (vm.status as { printableStatus?: string } | undefined)?.printableStatus ?? ''
  if (TRANSIENT.has(status)) return true
  // virt-controller may report a VM it is about to start as Stopped before its VMI exists: a
  // fleet whose every VM showed a non-transient status for a moment was taken as settled while
  // web-01 went on to Starting (vms.test.ts saw it so).
  const strategy = (vm.spec as { runStrategy?: string } | undefined)?.runStrategy ?? ''
  return status === 'Stopped' && WANTS_RUNNING.has(strategy)
}

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
