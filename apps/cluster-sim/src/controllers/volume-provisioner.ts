// The external provisioners of the demo's StorageClasses (seed/demo-storage.ts), on the real
// path only. The controller manager's PV controller does the rest, as on a real cluster: it marks
// a claim of a class with an external provisioner (`volume.kubernetes.io/storage-provisioner`),
// binds the claim to the volume made for it, and releases the volume when the claim goes.
import { randomUUID } from 'node:crypto'
import type { KObject } from '../kube/types.ts'
import { hostpathCsiDriver, localPathProvisioner } from '../seed/demo-storage.ts'
import { parseQuantity, splitKey } from '../kubevirt/k8s-util.ts'
import { pvcPhase, pvcSpec, type StorageContext } from './storage-context.ts'

// sig-storage-lib-external-provisioner controller/controller.go: the annotations it reads and
// sets, and the finalizer the CSI external-provisioner adds (AddFinalizer(true)).
const annStorageProvisioner = 'volume.kubernetes.io/storage-provisioner'
const annBetaStorageProvisioner = 'volume.beta.kubernetes.io/storage-provisioner'
const annSelectedNode = 'volume.kubernetes.io/selected-node'
const annDynamicallyProvisioned = 'pv.kubernetes.io/provisioned-by'
const provisionerFinalizer = 'external-provisioner.volume.kubernetes.io/finalizer'

/** local-path-provisioner's `sharedFileSystemPath` (see demo-storage.ts). */
const sharedFileSystemPath = '/var/lib/vmdeck/local-path'

interface StorageClass extends KObject {
  provisioner?: string
  reclaimPolicy?: string
  volumeBindingMode?: string
  mountOptions?: string[]
}

export class VolumeProvisioner {
  readonly #sc: StorageContext
  /** external-provisioner's `storage.kubernetes.io/csiProvisionerIdentity`: start time and name. */
  readonly #identity = `${Date.now()}-${Math.floor(Math.random() * 10_000)}-${hostpathCsiDriver}`

  constructor(sc: StorageContext) {
    this.#sc = sc
  }

  /** A claim the controller manager handed to one of our provisioners gets a volume. */
  async reconcileClaim(key: string): Promise<void> {
    const { pvc: pvcDef, pv: pvDef, storageClass: classDef } = this.#sc.defs
    if (!pvcDef || !pvDef || !classDef) return
    const [namespace, name] = splitKey(key)
    const { store } = this.#sc.ctx
    const claim = store.peek(pvcDef, namespace, name)
    if (!claim || claim.metadata.deletionTimestamp) return
    const spec = pvcSpec(claim)
    const annotations = claim.metadata.annotations ?? {}
    const provisioner = annotations[annStorageProvisioner] ?? annotations[annBetaStorageProvisioner]
    // controller.go shouldProvision: unbound, annotated for a provisioner we run; with
    // WaitForFirstConsumer only once the scheduler picked a node.
    if (spec.volumeName || pvcPhase(claim) === 'Bound') return
    if (provisioner !== localPathProvisioner && provisioner !== hostpathCsiDriver) return
    const storageClass: StorageClass | undefined = store.peek(
      classDef,
      undefined,
      spec.storageClassName ?? '',
    )
    if (!storageClass || storageClass.provisioner !== provisioner) return
    if (storageClass.volumeBindingMode === 'WaitForFirstConsumer' && !annotations[annSelectedNode])
      return
    // The volume's name is fixed by the claim (volumeNameHook: "pvc-" + claim UID).
    const volumeName = `pvc-${claim.metadata.uid ?? ''}`
    if (store.peek(pvDef, undefined, volumeName)) return

    let capacity = spec.resources?.requests?.storage ?? '1Gi'
    let source: Record<string, unknown>
    if (provisioner === hostpathCsiDriver) {
      const fromSnapshot = this.#snapshotSource(claim)
      if (fromSnapshot === 'wait') return // the snapshot's events bring us back
      if (fromSnapshot && parseQuantity(fromSnapshot.restoreSize) > parseQuantity(capacity))
        capacity = fromSnapshot.restoreSize
      source = {
        csi: {
          driver: hostpathCsiDriver,
          volumeHandle: randomUUID(),
          fsType: 'ext4',
          volumeAttributes: { 'storage.kubernetes.io/csiProvisionerIdentity': this.#identity },
        },
      }
    } else {
      // provisioner.go provisionFor: `<pv>_<namespace>_<claim>` under the path, a hostPath
      // volume of type DirectoryOrCreate, no node affinity on a shared filesystem. local-path
      // ignores a data source: the volume starts empty.
      source = {
        hostPath: {
          path: `${sharedFileSystemPath}/${volumeName}_${namespace}_${name}`,
          type: 'DirectoryOrCreate',
        },
      }
    }
    await store.create(pvDef, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: volumeName,
        annotations: {
          [annDynamicallyProvisioned]: provisioner,
          ...(provisioner === localPathProvisioner
            ? { 'local.path.provisioner/selected-node': annotations[annSelectedNode] ?? '' }
            : {}),
        },
        ...(provisioner === hostpathCsiDriver ? { finalizers: [provisionerFinalizer] } : {}),
      },
      spec: {
        accessModes: spec.accessModes ?? ['ReadWriteOnce'],
        capacity: { storage: capacity },
        persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
        storageClassName: storageClass.metadata.name,
        volumeMode: spec.volumeMode ?? 'Filesystem',
        ...(storageClass.mountOptions ? { mountOptions: storageClass.mountOptions } : {}),
        // The controller manager binds the claim to the volume that names it.
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          namespace,
          name,
          uid: claim.metadata.uid,
          resourceVersion: claim.metadata.resourceVersion,
        },
        ...source,
      },
    })
    this.#sc.ctx.events.record(
      claim,
      'Normal',
      'ProvisioningSucceeded',
      `Successfully provisioned volume ${volumeName}`,
      `${provisioner}_cluster-sim`,
    )
  }

  /**
   * A released volume with reclaim policy Delete is deleted by the provisioner that made it
   * (controller.go shouldDelete / deleteVolumeOperation), its finalizer removed after.
   */
  async reconcileVolume(name: string): Promise<void> {
    const pvDef = this.#sc.defs.pv
    if (!pvDef) return
    const { store } = this.#sc.ctx
    const volume = store.peek(pvDef, undefined, name)
    if (!volume) return
    const provisioner = volume.metadata.annotations?.[annDynamicallyProvisioned]
    if (provisioner !== localPathProvisioner && provisioner !== hostpathCsiDriver) return
    const spec = volume.spec as { persistentVolumeReclaimPolicy?: string }
    if (volume.metadata.deletionTimestamp) {
      if (!(volume.metadata.finalizers ?? []).includes(provisionerFinalizer)) return
      await store.update(pvDef, {
        ...volume,
        metadata: {
          ...volume.metadata,
          finalizers: (volume.metadata.finalizers ?? []).filter((f) => f !== provisionerFinalizer),
        },
      })
      return
    }
    if (phaseOfVolume(volume) !== 'Released' || spec.persistentVolumeReclaimPolicy !== 'Delete')
      return
    await store.delete(pvDef, undefined, name)
  }

  /**
   * A claim restored from a VolumeSnapshot waits for it to be ready (external-provisioner
   * getSnapshotSource: "snapshot ... is not Ready"). Undefined: no snapshot data source.
   */
  #snapshotSource(claim: KObject): { restoreSize: string } | 'wait' | undefined {
    const source = pvcSpec(claim).dataSourceRef ?? pvcSpec(claim).dataSource
    if (source?.kind !== 'VolumeSnapshot' || source.apiGroup !== 'snapshot.storage.k8s.io')
      return undefined
    const vsDef = this.#sc.defs.volumeSnapshot
    const vs = vsDef && this.#sc.ctx.store.peek(vsDef, claim.metadata.namespace, source.name)
    const status = vs?.status as { readyToUse?: boolean; restoreSize?: string } | undefined
    if (!status?.readyToUse) return 'wait'
    return { restoreSize: status.restoreSize ?? '0' }
  }
}

const phaseOfVolume = (volume: KObject): string =>
  (volume.status as { phase?: string } | undefined)?.phase ?? ''
