// Beside KubeVirt's own virt-controller, what the simulator still runs for storage: CDI's
// DataVolume controller and the storage vendor's provisioner and CSI snapshotter (the controller
// manager binds claims and collects owned objects). KubeVirt's snapshot, restore and clone
// controllers are virt-controller's.
import type { Registry } from '../kube/registry.ts'
import { EventRecorder } from '../kubevirt/events.ts'
import { kubevirtDefs } from './context.ts'
import type { ControllerStore } from './controller-store.ts'
import { StorageControllers } from './storage-controllers.ts'

export interface StorageSide {
  close(): Promise<void>
}

export function startStorageSide(options: {
  registry: Registry
  store: ControllerStore
}): StorageSide {
  const { registry, store } = options
  const defs = kubevirtDefs(registry)
  const events = new EventRecorder(store, defs.event)
  const controllers = new StorageControllers(
    { registry, store, defs, events },
    { kubevirtKinds: false },
  )
  controllers.start()
  return {
    async close() {
      await controllers.stop()
      await events.flush()
    },
  }
}
