// The storage side of the simulated cluster, each controller with its own queue (see
// storage-loops.ts): CDI's DataVolumes, KubeVirt's snapshot, restore and clone controllers and
// what the cluster's storage vendor runs, the StorageClasses' provisioners and the CSI
// snapshotter. The controller manager binds claims to volumes and collects owned objects, as on
// any cluster.
import type { ResourceDef } from '../kube/registry.ts'
import { keyOf, splitKey } from '../kubevirt/k8s-util.ts'
import type { WorkQueue } from '../kubevirt/work-queue.ts'
import {
  type StorageContext,
  type StorageHost,
  storageDefs,
  withoutKubevirtKinds,
} from './storage-context.ts'
import { StorageLoop } from './storage-loop.ts'
import {
  dataVolumeLoop,
  provisionerLoop,
  snapshotterLoop,
  vmCloneLoop,
  vmRestoreLoop,
  vmSnapshotLoop,
} from './storage-loops.ts'

export class StorageControllers {
  readonly #ctx: StorageHost
  readonly #loops: StorageLoop[]
  readonly #timers = new Set<NodeJS.Timeout>()
  /** Clean-ups after deleted snapshots still writing (no work queue awaits them). */
  readonly #cleanups = new Set<Promise<void>>()

  /** `kubevirtKinds: false`: CDI's and the storage vendor's part only (beside KubeVirt's own). */
  constructor(ctx: StorageHost, { kubevirtKinds = true }: { kubevirtKinds?: boolean } = {}) {
    this.#ctx = ctx
    const all = storageDefs(ctx.registry)
    const defs = kubevirtKinds ? all : withoutKubevirtKinds(all)
    const sc: StorageContext = {
      ctx,
      defs,
      after: (ms, run) => this.#after(ms, run),
      enqueue: (def, namespace, name) => {
        if (def) this.#loops.find((l) => l.owns(def))?.add(def, keyOf(namespace, name))
      },
    }
    const specs = [dataVolumeLoop(sc), provisionerLoop(sc), snapshotterLoop(sc)]
    if (kubevirtKinds)
      specs.push(
        vmSnapshotLoop(sc, (cleanup) => this.#track(cleanup)),
        vmRestoreLoop(sc),
        vmCloneLoop(sc),
      )
    const reconciled = (def: ResourceDef, key: string) => this.#reconciled(def, key)
    this.#loops = specs.map((spec) => new StorageLoop(spec, reconciled))
  }

  /** The controllers' queues (idle together: the storage side has nothing left to do). */
  get queues(): WorkQueue[] {
    return this.#loops.map((l) => l.queue)
  }

  /** Watches what each controller reconciles, queuing every object there is now. */
  start(): void {
    for (const loop of this.#loops) loop.start(this.#ctx.store)
  }

  /**
   * Stops watching, waits for the batches under way, stops the timers and waits for the
   * clean-ups under way (their writes finish first).
   */
  async stop(): Promise<void> {
    await Promise.all(this.#loops.map((l) => l.stop()))
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
    await Promise.all(this.#cleanups)
  }

  /** Runs `run` after `ms`; a failure is logged (the work queue cannot see timer callbacks). */
  #after(ms: number, run: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      Promise.resolve()
        .then(run)
        .catch((error: unknown) => console.error('cluster-sim: a storage timer failed:', error))
    }, ms)
    this.#timers.add(timer)
  }

  #track(cleanup: Promise<void>): void {
    const tracked = cleanup
      .catch((error: unknown) =>
        console.error('cluster-sim: could not clean up after a deleted snapshot:', error),
      )
      .finally(() => this.#cleanups.delete(tracked))
    this.#cleanups.add(tracked)
  }

  /** An object reconciled: the controllers waiting on objects of its kind are woken. */
  #reconciled(def: ResourceDef, key: string): void {
    const [namespace, name] = splitKey(key)
    for (const loop of this.#loops)
      for (const wake of loop.wakes) if (wake.after === def) wake.wake(namespace, name)
  }
}
