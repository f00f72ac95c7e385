// The CSI snapshotter of the demo's hostpath driver (kubernetes-csi/external-snapshotter): the
// common snapshot-controller part (a VolumeSnapshot of a claim gets a
// VolumeSnapshotContent; the VolumeSnapshot's status follows the content's) and the csi-snapshotter
// sidecar part (the driver "cuts" the snapshot: the content gets a handle and is ready to use).
import { randomUUID } from 'node:crypto'
import type { KObject } from '../kube/types.ts'
import { hostpathCsiDriver } from '../seed/demo-storage.ts'
import { now, parseQuantity, splitKey } from '../kubevirt/k8s-util.ts'
import { pvcPhase, pvcSpec, sameJson, type StorageContext } from './storage-context.ts'

// external-snapshotter pkg/utils/util.go.
const boundFinalizer = 'snapshot.storage.kubernetes.io/volumesnapshot-bound-protection'
const contentPrefix = 'snapcontent-'

interface VolumeSnapshotStatus {
  boundVolumeSnapshotContentName?: string
  creationTime?: string
  readyToUse?: boolean
  restoreSize?: string
  error?: { time?: string; message?: string }
}

interface ContentSpec {
  volumeSnapshotRef?: { namespace?: string; name?: string; uid?: string }
  source?: { volumeHandle?: string; snapshotHandle?: string }
  driver?: string
  deletionPolicy?: string
  volumeSnapshotClassName?: string
}

interface ContentStatus {
  snapshotHandle?: string
  /** Nanoseconds since the epoch, as the CSI driver reports it. */
  creationTime?: number
  readyToUse?: boolean
  restoreSize?: number
}

export class VolumeSnapshotter {
  readonly #sc: StorageContext

  constructor(sc: StorageContext) {
    this.#sc = sc
  }

  /** snapshot_controller.go syncSnapshot: bind a content, follow its status, delete with it. */
  async reconcileSnapshot(key: string): Promise<void> {
    const { volumeSnapshot: def, volumeSnapshotContent: contentDef } = this.#sc.defs
    if (!def || !contentDef) return
    const [namespace, name] = splitKey(key)
    const { store } = this.#sc.ctx
    const stored = store.peek(def, namespace, name)
    if (!stored) return
    const contentName = `${contentPrefix}${stored.metadata.uid ?? ''}`
    const content = store.peek(contentDef, undefined, contentName)
    if (stored.metadata.deletionTimestamp) {
      // The content goes first (deletionPolicy Delete), then the VolumeSnapshot is released.
      const policy = (content?.spec as ContentSpec | undefined)?.deletionPolicy
      if (content && policy === 'Delete') {
        if (content.metadata.deletionTimestamp) return
        const { finalized } = await store.delete(contentDef, undefined, contentName)
        if (!finalized) return
      }
      if ((stored.metadata.finalizers ?? []).includes(boundFinalizer))
        await store.update(def, {
          ...stored,
          metadata: {
            ...stored.metadata,
            finalizers: (stored.metadata.finalizers ?? []).filter((f) => f !== boundFinalizer),
          },
        })
      return
    }
    const spec = stored.spec as {
      source?: { persistentVolumeClaimName?: string }
      volumeSnapshotClassName?: string
    }
    const claimName = spec.source?.persistentVolumeClaimName
    if (!claimName) return // pre-provisioned contents are not simulated
    const status = structuredClone((stored.status ?? {}) as VolumeSnapshotStatus)
    const writeStatus = async () => {
      if (!sameJson(status, stored.status))
        await store.update(def, { ...stored, status }, { subresource: 'status' })
    }
    // The finalizer comes first (checkandAddSnapshotFinalizers), so that a VolumeSnapshot deleted
    // at any time takes its content along.
    if (!(stored.metadata.finalizers ?? []).includes(boundFinalizer)) {
      await store.update(def, {
        ...stored,
        metadata: {
          ...stored.metadata,
          finalizers: [...(stored.metadata.finalizers ?? []), boundFinalizer],
        },
      })
      return // the update brings us back
    }
    if (!content) {
      const input = this.#createInput(stored, claimName, spec.volumeSnapshotClassName)
      if (typeof input === 'string') {
        // updateSnapshotErrorStatusWithEvent: readyToUse false, the error kept on the snapshot.
        const message = `Failed to create snapshot content with error ${input}`
        if (status.error?.message !== message) status.error = { time: now(), message }
        status.readyToUse = false
        await writeStatus()
        return
      }
      if (!input) return // waiting for the claim to be bound
      await store.create(contentDef, {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshotContent',
        metadata: { name: contentName },
        spec: {
          volumeSnapshotRef: {
            apiVersion: 'snapshot.storage.k8s.io/v1',
            kind: 'VolumeSnapshot',
            namespace,
            name,
            uid: stored.metadata.uid,
            resourceVersion: stored.metadata.resourceVersion,
          },
          source: { volumeHandle: input.volumeHandle },
          volumeSnapshotClassName: input.className,
          deletionPolicy: input.deletionPolicy,
          driver: input.driver,
          sourceVolumeMode: input.volumeMode,
        },
      })
      this.#sc.ctx.events.record(
        stored,
        'Normal',
        'CreatingSnapshot',
        `Waiting for a snapshot ${namespace}/${name} to be created by the CSI driver.`,
        'snapshot-controller',
      )
      return
    }
    // updateSnapshotStatus: the snapshot mirrors its content.
    const contentStatus = (content.status ?? {}) as ContentStatus
    const wasReady = status.readyToUse === true
    status.boundVolumeSnapshotContentName = contentName
    if (contentStatus.creationTime && !status.creationTime)
      status.creationTime = new Date(contentStatus.creationTime / 1e6)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z')
    status.readyToUse = contentStatus.readyToUse ?? false
    if (contentStatus.restoreSize !== undefined)
      status.restoreSize = binarySi(contentStatus.restoreSize)
    if (status.readyToUse) delete status.error
    await writeStatus()
    if (!wasReady && status.readyToUse)
      this.#sc.ctx.events.record(
        stored,
        'Normal',
        'SnapshotReady',
        `Snapshot ${namespace}/${name} is ready to use.`,
        'snapshot-controller',
      )
  }

  /**
   * The csi-snapshotter sidecar (sidecar-controller/snapshot_controller.go createSnapshot): the
   * driver takes the snapshot at once; the content records its handle, time and size.
   */
  async reconcileContent(name: string): Promise<void> {
    const def = this.#sc.defs.volumeSnapshotContent
    if (!def) return
    const { store } = this.#sc.ctx
    const stored = store.peek(def, undefined, name)
    if (!stored || stored.metadata.deletionTimestamp) return
    const spec = stored.spec as ContentSpec
    const status = (stored.status ?? {}) as ContentStatus
    if (spec.driver !== hostpathCsiDriver || !spec.source?.volumeHandle || status.snapshotHandle)
      return
    await store.update(
      def,
      {
        ...stored,
        status: {
          snapshotHandle: randomUUID(),
          // Whole seconds: a nanosecond count beyond 2^53 would not survive JSON exactly.
          creationTime: Math.floor(Date.now() / 1000) * 1e9,
          readyToUse: true,
          restoreSize: this.#sizeOf(spec.source.volumeHandle),
        } satisfies ContentStatus,
      },
      { subresource: 'status' },
    )
  }

  /** getCreateSnapshotInput: the class, and the bound claim's CSI volume. */
  #createInput(
    snapshot: KObject,
    claimName: string,
    className: string | undefined,
  ):
    | {
        className: string
        driver: string
        deletionPolicy: string
        volumeHandle: string
        volumeMode: string
      }
    | string
    | undefined {
    const { pvc: pvcDef, pv: pvDef, volumeSnapshotClass: classDef } = this.#sc.defs
    const { store } = this.#sc.ctx
    if (!className)
      return `failed to take snapshot ${snapshot.metadata.name ?? ''} without a snapshot class`
    const snapshotClass = classDef && store.peek(classDef, undefined, className)
    if (!snapshotClass)
      return `volumesnapshotclass.snapshot.storage.k8s.io "${className}" not found`
    const driver = (snapshotClass as KObject & { driver?: string }).driver ?? ''
    if (driver !== hostpathCsiDriver) return undefined // another snapshotter's
    const claim = pvcDef && store.peek(pvcDef, snapshot.metadata.namespace, claimName)
    if (!claim)
      return `PVC source for snapshot ${snapshot.metadata.namespace ?? ''}/${snapshot.metadata.name ?? ''} is missing`
    if (pvcPhase(claim) !== 'Bound') return undefined
    const volumeName = pvcSpec(claim).volumeName ?? ''
    const volume = pvDef && store.peek(pvDef, undefined, volumeName)
    if (!volume) return undefined
    const csi = (volume.spec as { csi?: { volumeHandle?: string } }).csi
    if (!csi?.volumeHandle) return `cannot find CSI PersistentVolumeSource for volume ${volumeName}`
    return {
      className,
      driver,
      deletionPolicy:
        (snapshotClass as KObject & { deletionPolicy?: string }).deletionPolicy ?? 'Delete',
      volumeHandle: csi.volumeHandle,
      volumeMode: (volume.spec as { volumeMode?: string }).volumeMode ?? 'Filesystem',
    }
  }

  /** The snapshot is as big as the volume it was cut from (bytes). */
  #sizeOf(volumeHandle: string): number {
    const pvDef = this.#sc.defs.pv
    if (!pvDef) return 0
    const volume = this.#sc.ctx.store
      .peekList(pvDef)
      .items.find(
        (v) => (v.spec as { csi?: { volumeHandle?: string } }).csi?.volumeHandle === volumeHandle,
      )
    return parseQuantity(
      (volume?.spec as { capacity?: { storage?: string } } | undefined)?.capacity?.storage,
    )
  }
}

/** resource.NewQuantity(bytes, BinarySI).String(): the largest exact binary unit. */
function binarySi(bytes: number): string {
  for (const [suffix, size] of [
    ['Ti', 1024 ** 4],
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ] as const)
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${suffix}`
  return String(bytes)
}
