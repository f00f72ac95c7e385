// Wires the simulator's KubeVirt controllers (VM, VMI, migrations, storage) and the guest
// runtime over the informer cache; virt-api (src/virt-api) serves the subresources and webhooks.
import { join } from 'node:path'
import type { Registry } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import { kubevirtDefs, type KubevirtContext } from '../controllers/context.ts'
import type { ControllerStore } from '../controllers/controller-store.ts'
import { MigrationController } from '../controllers/migration-controller.ts'
import { PodIndex } from '../controllers/pod-index.ts'
import { StorageControllers } from '../controllers/storage-controllers.ts'
import { VmController } from '../controllers/vm-controller.ts'
import { reconcileVmi } from '../controllers/vmi-controller.ts'
import { EventRecorder } from './events.ts'
import { GuestRegistry } from './guest-registry.ts'
import { GuestRuntime, type GuestMode } from './guest-runtime.ts'
import { keyOf } from './k8s-util.ts'
import { WorkQueue } from './work-queue.ts'

export interface KubevirtOptions {
  registry: Registry
  store: ControllerStore
  guests: GuestMode
  imageDir: string
  stateDir: string
  maxGuests?: number
  maxConcurrentBoots?: number
  guestMemoryMiB?: number
  qemuBinary?: string
  simulatedMigrationMs?: number
}

export interface Kubevirt {
  guests: GuestRegistry
  runtime: GuestRuntime
  context: KubevirtContext
  /**
   * Resolves once the controllers have nothing left to do and no guest is still starting (the
   * seeded fleet reached its steady state), or after `timeoutMs`.
   */
  settled(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export function startKubevirt(options: KubevirtOptions): Kubevirt {
  const { registry, store } = options
  const defs = kubevirtDefs(registry)
  const guests = new GuestRegistry()
  const vmQueue = new WorkQueue('vm', (key) => vmController.reconcile(key))
  const vmiQueue = new WorkQueue('vmi', (key) => reconcileVmi(context, key))
  const vmimQueue = new WorkQueue('migration', (key) => migrationController.reconcile(key))
  const runtime = new GuestRuntime({
    mode: options.guests,
    imageDir: options.imageDir,
    workRoot: join(options.stateDir, 'g'),
    registry: guests,
    maxGuests: options.maxGuests ?? 6,
    maxConcurrentBoots: options.maxConcurrentBoots ?? 2,
    memoryMiB: options.guestMemoryMiB ?? 96,
    ...(options.qemuBinary ? { qemuBinary: options.qemuBinary } : {}),
    ...(options.simulatedMigrationMs ? { simulatedMigrationMs: options.simulatedMigrationMs } : {}),
    onChange: (namespace, name) => {
      vmiQueue.add(keyOf(namespace, name))
      checkSettled()
    },
  })
  const pods = new PodIndex(store, defs.pod, (pod) => {
    const vmiName = pod.metadata.annotations?.['kubevirt.io/domain']
    if (vmiName) vmiQueue.add(keyOf(pod.metadata.namespace, vmiName))
    const migration = pod.metadata.labels?.['kubevirt.io/migrationJobUID']
    if (migration) for (const key of migrationController.keysFor(migration)) vmimQueue.add(key)
  })
  const context: KubevirtContext = {
    registry,
    store,
    defs,
    runtime,
    events: new EventRecorder(store, defs.event),
    pods,
    enqueueVm: (key) => vmQueue.add(key),
    enqueueVmi: (key) => vmiQueue.add(key),
    enqueueMigration: (key) => vmimQueue.add(key),
  }
  const storage = new StorageControllers(context)
  const vmController = new VmController(context)
  const migrationController = new MigrationController(context)

  const keyOfObject = (o: KObject) => keyOf(o.metadata.namespace, o.metadata.name ?? '')
  const unwatch = [
    store.watch(defs.vm, store.revision, (e) => vmQueue.add(keyOfObject(e.object))),
    store.watch(defs.vmi, store.revision, (e) => {
      const key = keyOfObject(e.object)
      vmiQueue.add(key)
      vmQueue.add(key)
      for (const m of migrationController.keysForVmi(key)) vmimQueue.add(m)
    }),
    store.watch(defs.vmim, store.revision, (e) => vmimQueue.add(keyOfObject(e.object))),
    ...(defs.dv
      ? [
          store.watch(defs.dv, store.revision, (e) => {
            for (const vm of store.list(defs.vm, e.object.metadata.namespace).items)
              vmQueue.add(keyOfObject(vm))
          }),
        ]
      : []),
  ]
  // A VM waiting for a missing instancetype or preference retries when one appears.
  for (const def of registry.defs.filter((d) => d.group === 'instancetype.kubevirt.io'))
    unwatch.push(
      store.watch(def, store.revision, (e) => {
        if (e.type !== 'ADDED') return
        for (const vm of store.list(defs.vm).items) {
          const spec = vm.spec as {
            instancetype?: { name?: string }
            preference?: { name?: string }
          }
          const name = e.object.metadata.name
          if (spec.instancetype?.name === name || spec.preference?.name === name)
            vmQueue.add(keyOfObject(vm))
        }
      }),
    )
  storage.start()
  for (const vm of store.list(defs.vm).items) vmQueue.add(keyOfObject(vm))
  for (const vmi of store.list(defs.vmi).items) vmiQueue.add(keyOfObject(vmi))
  for (const m of store.list(defs.vmim).items) vmimQueue.add(keyOfObject(m))

  const queues = [vmQueue, vmiQueue, vmimQueue, ...storage.queues]
  const waiters = new Set<() => void>()
  const checkSettled = () => {
    if (waiters.size === 0) return
    // Let writes made by the last batch reach the watchers (and their queues) first.
    setImmediate(() => {
      if (!queues.every((q) => q.idle) || runtime.starting > 0) return
      for (const resolve of [...waiters]) resolve()
    })
  }
  for (const q of queues) q.onDrained = checkSettled

  return {
    guests,
    runtime,
    context,
    settled: (timeoutMs = 60_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(finish, timeoutMs)
        function finish() {
          clearTimeout(timer)
          waiters.delete(finish)
          resolve()
        }
        waiters.add(finish)
        checkSettled()
      }),
    async close() {
      for (const stop of unwatch) stop()
      pods.stop()
      // Writes under way finish before the caller tears the API server down.
      await Promise.all(queues.map((q) => q.stop()))
      await storage.stop()
      vmController.stop()
      migrationController.stop()
      await context.events.flush()
      await runtime.close()
    },
  }
}
