// The storage side of the simulated cluster: CDI's DataVolumes (API.md §6), KubeVirt's snapshot,
// restore and clone controllers (API.md §5) and what the cluster's storage vendor runs: the StorageClasses' provisioners and the CSI snapshotter. The controller manager
// binds claims to volumes and collects owned objects, as on any cluster.
import type { ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import { keyOf, phaseOf, splitKey } from '../kubevirt/k8s-util.ts'
import { DataVolumeController } from './datavolume-controller.ts'
import {
  controllerOf,
  type StorageContext,
  type StorageDefs,
  type StorageHost,
  storageDefs,
  withoutKubevirtKinds,
} from './storage-context.ts'
import { VmCloneController } from './vm-clone-controller.ts'
import { VmRestoreController } from './vm-restore-controller.ts'
import { VmSnapshotController } from './vm-snapshot-controller.ts'
import { VolumeProvisioner } from './volume-provisioner.ts'
import { VolumeSnapshotter } from './volume-snapshotter.ts'

export { filterKeys } from './vm-clone-controller.ts'

export class StorageControllers {
  readonly #ctx: StorageHost
  readonly #defs: StorageDefs
  readonly #timers = new Set<NodeJS.Timeout>()
  /** Clean-ups after deleted snapshots still writing (no work queue awaits them). */
  readonly #cleanups = new Set<Promise<void>>()
  readonly #dataVolumes: DataVolumeController
  readonly #snapshots: VmSnapshotController
  readonly #restores: VmRestoreController
  readonly #clones: VmCloneController
  readonly #provisioner: VolumeProvisioner
  readonly #snapshotter: VolumeSnapshotter
  /**
   * The resources whose changes this reconciles (each change queues its key): KubeVirt's and
   * CDI's kinds, the claims, volumes and CSI snapshots.
   */
  readonly defs: ResourceDef[]

  /** `kubevirtKinds: false`: CDI's and the storage vendor's part only (beside KubeVirt's own). */
  constructor(ctx: StorageHost, { kubevirtKinds = true }: { kubevirtKinds?: boolean } = {}) {
    this.#ctx = ctx
    const all = storageDefs(ctx.registry)
    this.#defs = kubevirtKinds ? all : withoutKubevirtKinds(all)
    const d = this.#defs
    const sc: StorageContext = {
      ctx,
      defs: d,
      after: (ms, run) => this.#after(ms, run),
      enqueue: (def, namespace, name) => {
        if (def) ctx.enqueueStorage(def, keyOf(namespace, name))
      },
    }
    this.#dataVolumes = new DataVolumeController(sc)
    this.#snapshots = new VmSnapshotController(sc)
    this.#restores = new VmRestoreController(sc)
    this.#clones = new VmCloneController(sc)
    this.#provisioner = new VolumeProvisioner(sc)
    this.#snapshotter = new VolumeSnapshotter(sc)
    this.defs = [
      d.dv,
      d.snapshot,
      d.content,
      d.restore,
      d.clone,
      d.pvc,
      d.pv,
      d.volumeSnapshot,
      d.volumeSnapshotContent,
    ].filter((def): def is ResourceDef => def !== undefined)
  }

  /** Stops the timers and waits for the clean-ups under way (their writes finish first). */
  async stop(): Promise<void> {
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

  async reconcile(def: ResourceDef, key: string): Promise<void> {
    const d = this.#defs
    const [namespace, name] = splitKey(key)
    const { store } = this.#ctx
    if (def === d.dv) await this.#dataVolumes.reconcile(key)
    else if (def === d.snapshot) {
      await this.#snapshots.reconcile(key)
      this.#wakeOwner(store.peek(def, namespace, name), d.clone)
    } else if (def === d.content) {
      await this.#snapshots.reconcileContent(key)
      const content = store.peek(def, namespace, name)
      const snapshot = (content?.spec as { virtualMachineSnapshotName?: string } | undefined)
        ?.virtualMachineSnapshotName
      if (snapshot && d.snapshot) this.#ctx.enqueueStorage(d.snapshot, keyOf(namespace, snapshot))
    } else if (def === d.restore) {
      await this.#restores.reconcile(key)
      this.#wakeOwner(store.peek(def, namespace, name), d.clone)
    } else if (def === d.clone) await this.#clones.reconcile(key)
    else if (def === d.pvc) {
      await this.#provisioner.reconcileClaim(key)
      this.#claimChanged(namespace, name)
    } else if (def === d.pv) await this.#provisioner.reconcileVolume(name)
    else if (def === d.volumeSnapshot) {
      await this.#snapshotter.reconcileSnapshot(key)
      const vs = store.peek(def, namespace, name)
      this.#wakeOwner(vs, d.content)
      // A claim restored from this snapshot waits for it to be ready.
      if (d.pvc && (vs?.status as { readyToUse?: boolean } | undefined)?.readyToUse)
        for (const pvc of store.peekList(d.pvc, namespace).items)
          if ((pvc.spec as { dataSource?: { name?: string } }).dataSource?.name === name)
            this.#ctx.enqueueStorage(d.pvc, keyOf(namespace, pvc.metadata.name ?? ''))
    } else if (def === d.volumeSnapshotContent) {
      await this.#snapshotter.reconcileContent(name)
      const ref = (
        store.peek(def, undefined, name)?.spec as
          { volumeSnapshotRef?: { namespace?: string; name?: string } } | undefined
      )?.volumeSnapshotRef
      if (ref?.name && d.volumeSnapshot)
        this.#ctx.enqueueStorage(d.volumeSnapshot, keyOf(ref.namespace, ref.name))
    }
  }

  /** Deleting a snapshot deletes its content (deletionPolicy Delete) and releases the VM. */
  snapshotDeleted(snap: KObject): void {
    const cleanup = this.#snapshots
      .snapshotDeleted(snap)
      .catch((error: unknown) =>
        console.error('cluster-sim: could not clean up after a deleted snapshot:', error),
      )
      .finally(() => this.#cleanups.delete(cleanup))
    this.#cleanups.add(cleanup)
  }

  /** A claim changed: its DataVolume, and snapshots, restores and clones waiting on claims. */
  #claimChanged(namespace: string, name: string): void {
    const d = this.#defs
    const { store } = this.#ctx
    const pvc = d.pvc && store.peek(d.pvc, namespace, name)
    const owner = controllerOf(pvc)
    if (owner?.kind === 'DataVolume' && d.dv)
      this.#ctx.enqueueStorage(d.dv, keyOf(namespace, owner.name))
    else if (d.dv && store.peek(d.dv, namespace, name))
      this.#ctx.enqueueStorage(d.dv, keyOf(namespace, name))
    const waiting = (def: ResourceDef | undefined, done: (o: KObject) => boolean) => {
      if (!def) return
      for (const o of store.peekList(def, namespace).items)
        if (!done(o)) this.#ctx.enqueueStorage(def, keyOf(namespace, o.metadata.name ?? ''))
    }
    waiting(d.snapshot, (o) => ['Succeeded', 'Failed'].includes(phaseOf(o)))
    waiting(d.restore, (o) => (o.status as { complete?: boolean } | undefined)?.complete === true)
    waiting(
      d.clone,
      (o) =>
        ['Succeeded', 'Failed'].includes(phaseOf(o)) &&
        !(o.status as { restoreName?: string } | undefined)?.restoreName,
    )
  }

  #wakeOwner(object: KObject | undefined, ownerDef: ResourceDef | undefined): void {
    const owner = controllerOf(object)
    if (owner && ownerDef && owner.kind === ownerDef.kind)
      this.#ctx.enqueueStorage(ownerDef, keyOf(object?.metadata.namespace, owner.name))
  }
}
