// What one process playing every node's virt-handler works with: the VMIs and their pods, the
// guests, and the migrations it is transferring.
import type { ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import type { ControllerStore } from '../controllers/controller-store.ts'
import type { PodIndex } from '../controllers/pod-index.ts'
import type { EventRecorder } from '../kubevirt/events.ts'
import type { GuestRuntime } from '../kubevirt/guest-runtime.ts'

/** A transfer this process runs, by the VMI's uid, until its outcome is written. */
export interface Transfer {
  migrationUID: string
  outcome?: { failed: false } | { failed: true; reason: string; aborted: boolean }
  aborting?: boolean
}

export type Transfers = Map<string, Transfer>

export interface HandlerContext {
  store: ControllerStore
  defs: { vmi: ResourceDef }
  runtime: GuestRuntime
  events: EventRecorder
  pods: PodIndex
  /** The nodes this machine's virt-handlers run on. */
  nodes: ReadonlySet<string>
  /** Each node's InternalIP, where its virt-handler listens for migrations. */
  nodeAddresses: ReadonlyMap<string, string>
  /** The migrations this process is transferring. */
  transfers: Transfers
  /** Syncs the VMI again (a transfer ended). */
  resync(vmi: KObject): void
  /** The VMI's virt-launcher on `node` (only `podName`, when given) exited: its kubelet reports the pod completed. */
  completePods(vmi: KObject, node: string, podName?: string): Promise<void>
}
