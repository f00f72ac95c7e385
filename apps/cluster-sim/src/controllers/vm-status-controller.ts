import type { ObjectStore } from '../apiserver/object-store.ts'
import type { Registry } from '../apiserver/registry.ts'
import type { KObject } from '../apiserver/types.ts'

/**
 * Walking-skeleton VM controller: derives `status.printableStatus`, `ready` and the Ready
 * condition from `spec.runStrategy` alone. The full controller (VMIs, phases, guests) replaces it.
 */
export function startVmStatusController(registry: Registry, store: ObjectStore): () => void {
  const def = registry.find('kubevirt.io', 'v1', 'virtualmachines')
  if (!def) throw new Error('virtualmachines are not registered')
  const reconcile = (vm: KObject) => {
    if (vm.metadata.deletionTimestamp) return
    const spec = vm.spec as { runStrategy?: string; running?: boolean } | undefined
    const strategy = spec?.runStrategy ?? (spec?.running ? 'Always' : 'Halted')
    const running = strategy === 'Always' || strategy === 'RerunOnFailure'
    const status = {
      printableStatus: running ? 'Running' : 'Stopped',
      ready: running,
      created: running,
      runStrategy: strategy,
      conditions: [
        {
          type: 'Ready',
          status: running ? 'True' : 'False',
          lastProbeTime: null,
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          ...(running ? {} : { reason: 'VMINotExists', message: 'VMI does not exist' }),
        },
      ],
    }
    const current = vm.status as { printableStatus?: string; runStrategy?: string } | undefined
    if (current?.printableStatus === status.printableStatus && current.runStrategy === strategy)
      return
    store.update(def, { ...vm, status }, { subresource: 'status' })
  }
  for (const vm of store.list(def).items) reconcile(vm)
  // Reconcile after the write that triggered it has been delivered to every watcher.
  return store.watch(def, store.revision, (event) => {
    if (event.type !== 'DELETED')
      queueMicrotask(() => {
        const latest = store.peek(
          def,
          event.object.metadata.namespace,
          event.object.metadata.name ?? '',
        )
        if (latest) reconcile(structuredClone(latest))
      })
  })
}
