// Beside KubeVirt's own virt-controller, what the simulator still runs for storage: CDI's
// DataVolume controller and the storage vendor's provisioner and CSI snapshotter (the controller
// manager binds claims and collects owned objects). KubeVirt's snapshot, restore and clone
// controllers are virt-controller's.
import type { Registry } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import { EventRecorder } from '../kubevirt/events.ts'
import { keyOf } from '../kubevirt/k8s-util.ts'
import { WorkQueue } from '../kubevirt/work-queue.ts'
import { findDef, requireDef } from './context.ts'
import type { ControllerStore } from './controller-store.ts'
import type { StorageHost } from './storage-context.ts'
import { StorageControllers } from './storage-controllers.ts'

export interface StorageSide {
  close(): Promise<void>
}

export function startStorageSide(options: {
  registry: Registry
  store: ControllerStore
}): StorageSide {
  const { registry, store } = options
  const defs = {
    vm: requireDef(registry, 'kubevirt.io', 'virtualmachines'),
    vmi: requireDef(registry, 'kubevirt.io', 'virtualmachineinstances'),
    vmim: requireDef(registry, 'kubevirt.io', 'virtualmachineinstancemigrations'),
    pod: requireDef(registry, '', 'pods'),
    node: requireDef(registry, '', 'nodes'),
    event: requireDef(registry, '', 'events'),
    dv: findDef(registry, 'cdi.kubevirt.io', 'datavolumes'),
    pvc: findDef(registry, '', 'persistentvolumeclaims'),
  }
  const host: StorageHost = {
    registry,
    store,
    defs,
    events: new EventRecorder(store, defs.event),
    enqueueStorage: (def, key) => queue.add(`${def.plural}|${key}`),
  }
  const controllers = new StorageControllers(host, { kubevirtKinds: false })
  const queue = new WorkQueue('storage', (item) => {
    const i = item.indexOf('|')
    const def = controllers.defs.find((d) => d.plural === item.slice(0, i))
    return def && controllers.reconcile(def, item.slice(i + 1))
  })
  const keyOfObject = (o: KObject) => keyOf(o.metadata.namespace, o.metadata.name ?? '')
  const unwatch = controllers.defs.map((def) => {
    const stop = store.watch(def, store.revision, (e) =>
      host.enqueueStorage(def, keyOfObject(e.object)),
    )
    for (const o of store.list(def).items) host.enqueueStorage(def, keyOfObject(o))
    return stop
  })
  return {
    async close() {
      for (const stop of unwatch) stop()
      await queue.stop()
      await controllers.stop()
      await host.events.flush()
    },
  }
}
