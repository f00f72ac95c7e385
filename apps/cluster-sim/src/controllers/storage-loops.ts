// Each storage controller's loop: the kinds it reconciles and what wakes it when others' objects
// change. CDI's DataVolume controller, KubeVirt's snapshot, restore and clone controllers, and
// the storage vendor's provisioner and CSI snapshotter.
import type { ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import { phaseOf, splitKey } from '../kubevirt/k8s-util.ts'
import { DataVolumeController } from './datavolume-controller.ts'
import { controllerOf, type StorageContext } from './storage-context.ts'
import type { LoopSpec, LoopWake } from './storage-loop.ts'
import { VmCloneController } from './vm-clone-controller.ts'
import { VmRestoreController } from './vm-restore-controller.ts'
import { VmSnapshotController } from './vm-snapshot-controller.ts'
import { VolumeProvisioner } from './volume-provisioner.ts'
import { VolumeSnapshotter } from './volume-snapshotter.ts'

/** After an object of `after` reconciled, its controller (an object of `ownerDef`) is queued. */
function wakeOwner(
  sc: StorageContext,
  after: ResourceDef | undefined,
  ownerDef: ResourceDef | undefined,
): LoopWake {
  return {
    after,
    wake(namespace, name) {
      const object = after && sc.ctx.store.peek(after, namespace, name)
      const owner = controllerOf(object)
      if (owner && owner.kind === ownerDef?.kind) sc.enqueue(ownerDef, namespace, owner.name)
    },
  }
}

/** After a claim reconciled, the objects of `def` in its namespace not `done` yet are queued. */
function wakeUnfinished(
  sc: StorageContext,
  def: ResourceDef | undefined,
  done: (o: KObject) => boolean,
): LoopWake {
  return {
    after: sc.defs.pvc,
    wake(namespace) {
      if (!def) return
      for (const o of sc.ctx.store.peekList(def, namespace).items)
        if (!done(o)) sc.enqueue(def, namespace, o.metadata.name ?? '')
    },
  }
}

const finished = (o: KObject) => ['Succeeded', 'Failed'].includes(phaseOf(o))

export function dataVolumeLoop(sc: StorageContext): LoopSpec {
  const controller = new DataVolumeController(sc)
  const { dv, pvc } = sc.defs
  return {
    name: 'datavolume',
    kinds: [{ def: dv, reconcile: (key) => controller.reconcile(key) }],
    wakes: [
      {
        // A claim changed: the DataVolume that owns it, or has its name.
        after: pvc,
        wake(namespace, name) {
          const owner = controllerOf(pvc && sc.ctx.store.peek(pvc, namespace, name))
          if (owner?.kind === 'DataVolume') sc.enqueue(dv, namespace, owner.name)
          else if (dv && sc.ctx.store.peek(dv, namespace, name)) sc.enqueue(dv, namespace, name)
        },
      },
    ],
  }
}

/** `track`: a clean-up after a deleted snapshot, which no work queue awaits. */
export function vmSnapshotLoop(
  sc: StorageContext,
  track: (cleanup: Promise<void>) => void,
): LoopSpec {
  const controller = new VmSnapshotController(sc)
  const { snapshot, content, volumeSnapshot } = sc.defs
  return {
    name: 'vm-snapshot',
    kinds: [
      {
        def: snapshot,
        reconcile: (key) => controller.reconcile(key),
        deleted: (object) => track(controller.snapshotDeleted(object)),
      },
      { def: content, reconcile: (key) => controller.reconcileContent(key) },
    ],
    wakes: [
      {
        // A content reconciled: the snapshot it belongs to.
        after: content,
        wake(namespace, name) {
          const spec = (content && sc.ctx.store.peek(content, namespace, name))?.spec as
            { virtualMachineSnapshotName?: string } | undefined
          if (spec?.virtualMachineSnapshotName)
            sc.enqueue(snapshot, namespace, spec.virtualMachineSnapshotName)
        },
      },
      wakeOwner(sc, volumeSnapshot, content),
      wakeUnfinished(sc, snapshot, finished),
    ],
  }
}

export function vmRestoreLoop(sc: StorageContext): LoopSpec {
  const controller = new VmRestoreController(sc)
  const { restore } = sc.defs
  return {
    name: 'vm-restore',
    kinds: [{ def: restore, reconcile: (key) => controller.reconcile(key) }],
    wakes: [
      wakeUnfinished(
        sc,
        restore,
        (o) => (o.status as { complete?: boolean } | undefined)?.complete === true,
      ),
    ],
    watches: [
      {
        // Restores wait for their target to stop: a VMI going away wakes them.
        def: sc.ctx.defs.vmi,
        changed(e) {
          if (e.type !== 'DELETED' || !restore) return
          const { namespace } = e.object.metadata
          for (const r of sc.ctx.store.list(restore, namespace).items)
            sc.enqueue(restore, namespace, r.metadata.name ?? '')
        },
      },
    ],
  }
}

export function vmCloneLoop(sc: StorageContext): LoopSpec {
  const controller = new VmCloneController(sc)
  const { clone, snapshot, restore } = sc.defs
  return {
    name: 'vm-clone',
    kinds: [{ def: clone, reconcile: (key) => controller.reconcile(key) }],
    wakes: [
      wakeOwner(sc, snapshot, clone),
      wakeOwner(sc, restore, clone),
      wakeUnfinished(
        sc,
        clone,
        (o) => finished(o) && !(o.status as { restoreName?: string } | undefined)?.restoreName,
      ),
    ],
  }
}

export function provisionerLoop(sc: StorageContext): LoopSpec {
  const provisioner = new VolumeProvisioner(sc)
  const { pvc, pv, volumeSnapshot } = sc.defs
  return {
    name: 'provisioner',
    kinds: [
      { def: pvc, reconcile: (key) => provisioner.reconcileClaim(key) },
      { def: pv, reconcile: (key) => provisioner.reconcileVolume(splitKey(key)[1]) },
    ],
    wakes: [
      {
        // A claim restored from a snapshot waits for it to be ready.
        after: volumeSnapshot,
        wake(namespace, name) {
          const vs = volumeSnapshot && sc.ctx.store.peek(volumeSnapshot, namespace, name)
          if (!pvc || !(vs?.status as { readyToUse?: boolean } | undefined)?.readyToUse) return
          for (const claim of sc.ctx.store.peekList(pvc, namespace).items)
            if ((claim.spec as { dataSource?: { name?: string } }).dataSource?.name === name)
              sc.enqueue(pvc, namespace, claim.metadata.name ?? '')
        },
      },
    ],
  }
}

export function snapshotterLoop(sc: StorageContext): LoopSpec {
  const snapshotter = new VolumeSnapshotter(sc)
  const { volumeSnapshot, volumeSnapshotContent } = sc.defs
  return {
    name: 'snapshotter',
    kinds: [
      { def: volumeSnapshot, reconcile: (key) => snapshotter.reconcileSnapshot(key) },
      {
        def: volumeSnapshotContent,
        reconcile: (key) => snapshotter.reconcileContent(splitKey(key)[1]),
      },
    ],
    wakes: [
      {
        // A content reconciled: the VolumeSnapshot bound to it.
        after: volumeSnapshotContent,
        wake(_namespace, name) {
          const ref = (
            volumeSnapshotContent &&
            (sc.ctx.store.peek(volumeSnapshotContent, undefined, name)?.spec as
              { volumeSnapshotRef?: { namespace?: string; name?: string } } | undefined)
          )?.volumeSnapshotRef
          if (ref?.name) sc.enqueue(volumeSnapshot, ref.namespace, ref.name)
        },
      },
    ],
  }
}
