import type { BulkAction } from '@vmdeck/shared'
import type { KubeClient } from '../kube/kube-client.ts'
import type { TaskStore } from '../kube/task-store.ts'
import type { TaskRecorder, TaskUser } from './task-recorder.ts'
import { actOnVm } from './vm-operations.ts'

/** At most this many of one bulk action's requests are in flight at once. */
export const BULK_CONCURRENCY = 8

export interface BulkVm {
  namespace: string
  name: string
  uid?: string
  /** A restart's VMI, which the child task waits to see replaced. */
  vmiUid?: string
}

interface BulkRunBase {
  recorder: TaskRecorder
  store: TaskStore
  user: TaskUser
  /** The user's own client: every VM's request is the user's, decided by the API server. */
  client: KubeClient
  vms: readonly BulkVm[]
  /** Where the parent task is recorded: the VMs' namespace when they share one. */
  namespace?: string
  concurrency?: number
}

/**
 * One action on existing VMs, or the creation of new ones (a batch from a template: `create`
 * sends one VM's manifest, and the parent records which template).
 */
export type BulkRun = BulkRunBase &
  (
    | { action: BulkAction }
    | { action: 'create'; template: string; create: (vm: BulkVm) => Promise<unknown> }
  )

/**
 * Starts a bulk action: a parent task, then one child task per VM as its request is sent, a few
 * at a time (the API server and the user's rate limits see a steady trickle, not a burst of
 * thousands). Returns the parent's id at once; the parent ends when every child has ended (the
 * recorder follows it), or when someone cancels it: no further VM is started then, on whichever
 * replica runs it, because each start first reads the parent's outcome from the shared records.
 */
export function startBulk(run: BulkRun): string {
  const { recorder, store, user, client, action, vms } = run
  const act = (vm: BulkVm) =>
    run.action === 'create' ? run.create(vm) : actOnVm(client, vm, run.action)
  const parent = recorder.begin(user, {
    action: 'bulk',
    target: {
      ...(run.namespace ? { namespace: run.namespace } : {}),
      kind: 'VirtualMachine',
      name: `${vms.length} VM${vms.length === 1 ? '' : 's'}`,
    },
    parameters: {
      action,
      count: String(vms.length),
      ...(run.action === 'create' ? { template: run.template } : {}),
    },
    // Every child has its own timeout once started; the children start a few at a time.
    timeoutMs: 10 * 60_000 + vms.length * 200,
  })
  let next = 0
  const cancelled = () => store.get(parent)?.outcome === 'Cancelled'
  const worker = async () => {
    while (next < vms.length && !cancelled()) {
      const vm = vms[next++]!
      const target = {
        namespace: vm.namespace,
        kind: 'VirtualMachine',
        name: vm.name,
        ...(vm.uid ? { uid: vm.uid } : {}),
      }
      const parameters = vm.vmiUid ? { vmiUid: vm.vmiUid } : {}
      // A refusal ends the child failed with the API's message; the others go on.
      await recorder
        .run(user, { action, target, parameters, parent }, () => act(vm))
        .catch(() => undefined)
    }
  }
  const workers = Math.min(run.concurrency ?? BULK_CONCURRENCY, vms.length)
  for (let i = 0; i < workers; i++) void worker()
  return parent
}
