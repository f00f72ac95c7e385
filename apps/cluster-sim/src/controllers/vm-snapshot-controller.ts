// KubeVirt's VirtualMachineSnapshot controller (kubevirt pkg/storage/snapshot snapshot.go,
// source.go; docs/KUBEVIRT-NOTES.md#snapshots-restores-clones): lock the VM, record its spec and
// volumes in a VirtualMachineSnapshotContent, take a CSI VolumeSnapshot of each volume whose
// StorageClass has a VolumeSnapshotClass, and report ready when they are.
import type { KObject } from '../kube/types.ts'
import { type Condition, now, phaseOf, setCondition, splitKey } from '../kubevirt/k8s-util.ts'
import { snapshotClassFor } from './snapshot-classes.ts'
import {
  claimOf,
  controllerRef,
  pvcPhase,
  pvcSpec,
  sameJson,
  type StorageContext,
  vmVolumes,
} from './storage-context.ts'
import type { VmStatus } from './vm-controller.ts'

const lockedMessage = 'Source locked and operation in progress'

interface SnapshotStatus {
  phase?: string
  readyToUse?: boolean
  creationTime?: string
  sourceUID?: string
  virtualMachineSnapshotContentName?: string
  indications?: string[]
  sourceIndications?: { indication: string; message: string }[]
  snapshotVolumes?: { includedVolumes?: string[]; excludedVolumes?: string[] }
  error?: { time?: string; message?: string }
  conditions?: Condition[]
}

export interface VolumeBackup {
  volumeName: string
  persistentVolumeClaim: { metadata: KObject['metadata']; spec: Record<string, unknown> }
  volumeSnapshotName: string
}

interface ContentStatus {
  readyToUse?: boolean
  creationTime?: string
  error?: { time?: string; message?: string }
  volumeSnapshotStatus?: {
    volumeSnapshotName: string
    readyToUse?: boolean
    creationTime?: string
    error?: { time?: string; message?: string }
  }[]
}

export interface ContentSpec {
  source?: { virtualMachine?: KObject }
  virtualMachineSnapshotName?: string
  volumeBackups?: VolumeBackup[]
}

export class VmSnapshotController {
  readonly #sc: StorageContext

  constructor(sc: StorageContext) {
    this.#sc = sc
  }

  async reconcile(key: string): Promise<void> {
    const { snapshot: def, content: contentDef } = this.#sc.defs
    if (!def || !contentDef) return
    const [namespace, name] = splitKey(key)
    const { store, defs, events } = this.#sc.ctx
    const stored = store.peek(def, namespace, name)
    if (!stored || stored.metadata.deletionTimestamp) return
    const snap = structuredClone(stored)
    const status = (snap.status ?? {}) as SnapshotStatus
    const write = async () => {
      if (!sameJson(status, stored.status))
        await store.update(def, { ...snap, status }, { subresource: 'status' })
    }
    const sourceName = (snap.spec as { source?: { name?: string } } | undefined)?.source?.name ?? ''
    const vm = store.peek(defs.vm, namespace, sourceName)
    const contentName = `vmsnapshot-content-${snap.metadata.uid}`
    const content = store.peek(contentDef, namespace, contentName)
    const contentStatus = content?.status as ContentStatus | undefined

    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      // readyToUse keeps following the content (a VolumeSnapshot may go missing later).
      if (contentStatus && status.phase === 'Succeeded') {
        status.readyToUse = contentStatus.readyToUse ?? false
        status.conditions = readyCondition(status)
        await write()
      }
      await this.#unlock(vm, name)
      return
    }
    if (!vm) {
      status.phase = status.phase ?? 'Unknown'
      status.readyToUse = false
      status.conditions = setCondition(status.conditions ?? [], {
        type: 'Progressing',
        status: 'False',
        reason: 'Source does not exist',
      })
      await write()
      return
    }

    const vmStatus = (vm.status ?? {}) as VmStatus
    if (vmStatus.snapshotInProgress !== name) {
      if (!status.phase) this.#initStatus(snap, status, vm, contentName)
      const problem = this.#lockProblem(vm, name)
      if (problem) {
        status.conditions = setCondition(status.conditions ?? [], {
          type: 'Progressing',
          status: 'False',
          reason: `Source not locked${problem}`,
        })
        await write()
        return
      }
      // Locked: the VM shows the snapshot (and refuses an unpause) until it is done.
      const nextVm = structuredClone(vm)
      nextVm.status = { ...vmStatus, snapshotInProgress: name }
      await store.update(defs.vm, nextVm, { subresource: 'status' })
      status.conditions = setCondition(
        setCondition(status.conditions ?? [], {
          type: 'Progressing',
          status: 'True',
          reason: lockedMessage,
        }),
        { type: 'Ready', status: 'False', reason: 'Not ready' },
      )
      await write()
      return
    }

    if (!content) {
      await store.create(contentDef, {
        apiVersion: 'snapshot.kubevirt.io/v1beta1',
        kind: 'VirtualMachineSnapshotContent',
        metadata: { name: contentName, namespace },
        spec: {
          source: {
            virtualMachine: {
              metadata: {
                name: vm.metadata.name,
                namespace,
                labels: vm.metadata.labels,
                annotations: vm.metadata.annotations,
                uid: vm.metadata.uid,
              },
              spec: structuredClone(vm.spec),
            },
          },
          virtualMachineSnapshotName: name,
          volumeBackups: this.#volumeBackups(snap, vm),
        },
      })
      events.record(
        snap,
        'Normal',
        'SuccessfulVirtualMachineSnapshotContentCreate',
        `Successfully created VirtualMachineSnapshotContent ${contentName}`,
        'snapshot-controller',
      )
      return
    }
    status.virtualMachineSnapshotContentName = contentName
    status.error = contentStatus?.error
    if (!contentStatus?.creationTime) {
      await write()
      return
    }
    // The content exists (its volumes are snapshotted): terminal phase, unlock the source.
    status.phase = 'Succeeded'
    status.creationTime = contentStatus.creationTime
    status.readyToUse = contentStatus.readyToUse ?? false
    const backedUp = new Set(
      ((content.spec as ContentSpec).volumeBackups ?? []).map((b) => b.volumeName),
    )
    const volumes = vmVolumes((content.spec as ContentSpec).source?.virtualMachine)
    status.snapshotVolumes = {
      includedVolumes: volumes.filter((v) => backedUp.has(v.name)).map((v) => v.name),
      excludedVolumes: volumes.filter((v) => !backedUp.has(v.name)).map((v) => v.name),
    }
    status.conditions = readyCondition({
      ...status,
      conditions: setCondition(status.conditions ?? [], {
        type: 'Progressing',
        status: 'False',
        reason: 'Operation complete',
      }),
    })
    await write()
    await this.#unlock(store.peek(defs.vm, namespace, sourceName), name)
    events.record(
      snap,
      'Normal',
      'SuccessfulVirtualMachineSnapshotCreate',
      `Successfully created VirtualMachineSnapshot ${name}`,
      'snapshot-controller',
    )
  }

  /**
   * The content controller (snapshot.go updateVMSnapshotContent): one VolumeSnapshot per volume
   * backup, owned by the content; created once all have a creationTime, ready once all are.
   */
  async reconcileContent(key: string): Promise<void> {
    const { content: def, snapshot: snapshotDef, volumeSnapshot: vsDef } = this.#sc.defs
    if (!def) return
    const [namespace, name] = splitKey(key)
    const { store, events } = this.#sc.ctx
    const stored = store.peek(def, namespace, name)
    if (!stored || stored.metadata.deletionTimestamp) return
    const spec = stored.spec as ContentSpec
    const status = structuredClone((stored.status ?? {}) as ContentStatus)
    const snapshot =
      snapshotDef && store.peek(snapshotDef, namespace, spec.virtualMachineSnapshotName ?? '')
    const statuses: NonNullable<ContentStatus['volumeSnapshotStatus']> = []
    const missing: string[] = []
    for (const backup of spec.volumeBackups ?? []) {
      const vs = vsDef && store.peek(vsDef, namespace, backup.volumeSnapshotName)
      if (!vs) {
        if (status.creationTime) {
          missing.push(backup.volumeSnapshotName)
          events.record(
            stored,
            'Warning',
            'VolumeSnapshotMissing',
            `VolumeSnapshot ${backup.volumeSnapshotName} no longer exists`,
            'snapshot-controller',
          )
          continue
        }
        if (!vsDef || !snapshot) continue
        await this.#createVolumeSnapshot(stored, backup)
        statuses.push({ volumeSnapshotName: backup.volumeSnapshotName })
        continue
      }
      const vsStatus = (vs.status ?? {}) as {
        readyToUse?: boolean
        creationTime?: string
        error?: { time?: string; message?: string }
      }
      statuses.push({
        volumeSnapshotName: vs.metadata.name ?? '',
        ...(vsStatus.readyToUse !== undefined ? { readyToUse: vsStatus.readyToUse } : {}),
        ...(vsStatus.creationTime ? { creationTime: vsStatus.creationTime } : {}),
        ...(vsStatus.error ? { error: vsStatus.error } : {}),
      })
    }
    const created = missing.length === 0 && statuses.every((s) => s.creationTime)
    const ready = missing.length === 0 && statuses.every((s) => s.readyToUse === true)
    const failed = statuses.find((s) => s.error?.message)
    const errorMessage = missing.length
      ? `VolumeSnapshots (${missing.join(',')}) missing`
      : failed
        ? `VolumeSnapshot ${failed.volumeSnapshotName} error: ${failed.error?.message ?? ''}`
        : undefined
    if (created && !status.creationTime) status.creationTime = now()
    if (errorMessage && !ready) {
      if (status.error?.message !== errorMessage)
        status.error = { time: now(), message: errorMessage }
    } else if (!errorMessage) delete status.error
    status.readyToUse = ready
    if (statuses.length) status.volumeSnapshotStatus = statuses
    else delete status.volumeSnapshotStatus
    if (!sameJson(status, stored.status))
      await store.update(def, { ...stored, status }, { subresource: 'status' })
  }

  /** Deleting a snapshot deletes its content (deletionPolicy Delete, the default). */
  async snapshotDeleted(snap: KObject): Promise<void> {
    const contentDef = this.#sc.defs.content
    if (!contentDef) return
    const policy =
      (snap.spec as { deletionPolicy?: string } | undefined)?.deletionPolicy ?? 'Delete'
    const contentName = (snap.status as SnapshotStatus | undefined)
      ?.virtualMachineSnapshotContentName
    const { store, defs } = this.#sc.ctx
    const vm = store.peek(
      defs.vm,
      snap.metadata.namespace,
      (snap.spec as { source?: { name?: string } } | undefined)?.source?.name ?? '',
    )
    await this.#unlock(vm, snap.metadata.name ?? '')
    if (policy !== 'Delete' || !contentName) return
    if (store.peek(contentDef, snap.metadata.namespace, contentName))
      await store.delete(contentDef, snap.metadata.namespace, contentName)
  }

  #initStatus(snap: KObject, status: SnapshotStatus, vm: KObject, contentName: string): void {
    const { store, defs } = this.#sc.ctx
    const vmi = store.peek(defs.vmi, snap.metadata.namespace, vm.metadata.name ?? '')
    const online = !!vmi && phaseOf(vmi) === 'Running'
    const agent =
      online &&
      ((vmi.status as { conditions?: Condition[] }).conditions ?? []).some(
        (c) => c.type === 'AgentConnected' && c.status === 'True',
      )
    const indications = online ? ['Online', agent ? 'GuestAgent' : 'NoGuestAgent'] : []
    status.phase = 'InProgress'
    status.readyToUse = false
    status.sourceUID = vm.metadata.uid
    status.indications = indications
    status.sourceIndications = indications.map((indication) => ({
      indication,
      message:
        indication === 'Online'
          ? 'Snapshot taken while the VM was running. Consistency depends on guest-agent quiescing.'
          : indication === 'GuestAgent'
            ? 'Guest agent was active and attempted to quiesce the filesystem for application consistency.'
            : 'Guest agent was not available. Snapshot is crash-consistent and may not be application-consistent.',
    }))
    status.virtualMachineSnapshotContentName = contentName
    status.conditions = setCondition(
      setCondition(status.conditions ?? [], {
        type: 'Progressing',
        status: 'False',
        reason: 'Source not locked',
      }),
      { type: 'Ready', status: 'False', reason: 'Not ready' },
    )
  }

  /**
   * Why the VM cannot be locked yet (source.go Lock): another snapshot holds it, or a volume's
   * claim is missing, unbound or being deleted. Empty when it can be locked.
   */
  #lockProblem(vm: KObject, name: string): string {
    const { store } = this.#sc.ctx
    const other = ((vm.status ?? {}) as VmStatus).snapshotInProgress
    if (other && other !== name) return ` snapshot "${other}" in progress`
    const pvcDef = this.#sc.defs.pvc
    if (!pvcDef) return ''
    const source = `${vm.metadata.namespace ?? ''}/${vm.metadata.name ?? ''}`
    for (const volume of vmVolumes(vm)) {
      const claim = claimOf(volume)
      if (!claim) continue
      const pvc = store.peek(pvcDef, vm.metadata.namespace, claim)
      if (!pvc) return ` source ${source} volume doesnt exist: ${claim}`
      if (pvc.metadata.deletionTimestamp)
        return ` source ${source} volume is being deleted: ${claim}`
      if (pvcPhase(pvc) !== 'Bound') return ` source ${source} volume not bound: ${claim}`
      const dv = this.#sc.defs.dv && store.peek(this.#sc.defs.dv, vm.metadata.namespace, claim)
      if (volume.dataVolume && dv && phaseOf(dv) !== 'Succeeded')
        return ` source ${source} volume not populated: ${claim}`
    }
    return ''
  }

  /**
   * The volumes that get a VolumeSnapshot (snapshot.go createContent / getSnapshotPVC): bound
   * claims whose StorageClass has a VolumeSnapshotClass.
   */
  #volumeBackups(snap: KObject, vm: KObject): VolumeBackup[] {
    const pvcDef = this.#sc.defs.pvc
    if (!pvcDef) return []
    const backups: VolumeBackup[] = []
    for (const volume of vmVolumes(vm)) {
      const claim = claimOf(volume)
      const pvc = claim ? this.#sc.ctx.store.peek(pvcDef, vm.metadata.namespace, claim) : undefined
      if (!pvc || pvcPhase(pvc) !== 'Bound') continue
      if (!snapshotClassFor(this.#sc, pvcSpec(pvc).storageClassName)) continue
      backups.push({
        volumeName: volume.name,
        persistentVolumeClaim: {
          metadata: {
            name: pvc.metadata.name,
            namespace: pvc.metadata.namespace,
            ...(pvc.metadata.labels ? { labels: pvc.metadata.labels } : {}),
            ...(pvc.metadata.annotations ? { annotations: pvc.metadata.annotations } : {}),
            ...(pvc.metadata.ownerReferences
              ? { ownerReferences: pvc.metadata.ownerReferences }
              : {}),
          },
          spec: structuredClone(pvc.spec as Record<string, unknown>),
        },
        volumeSnapshotName: `vmsnapshot-${snap.metadata.uid}-volume-${volume.name}`,
      })
    }
    return backups
  }

  async #createVolumeSnapshot(content: KObject, backup: VolumeBackup): Promise<void> {
    const vsDef = this.#sc.defs.volumeSnapshot
    if (!vsDef) return
    const className = snapshotClassFor(
      this.#sc,
      (backup.persistentVolumeClaim.spec as { storageClassName?: string }).storageClassName,
    )
    if (!className) return
    const source = (content.spec as ContentSpec).source?.virtualMachine?.metadata
    await this.#sc.ctx.store.create(vsDef, {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshot',
      metadata: {
        name: backup.volumeSnapshotName,
        namespace: content.metadata.namespace,
        labels: {
          'snapshot.kubevirt.io/source-vm-name': source?.name ?? '',
          'snapshot.kubevirt.io/source-vm-namespace': source?.namespace ?? '',
        },
        ownerReferences: [controllerRef(content)],
      },
      spec: {
        source: { persistentVolumeClaimName: backup.persistentVolumeClaim.metadata.name },
        volumeSnapshotClassName: className,
      },
    })
    this.#sc.ctx.events.record(
      content,
      'Normal',
      'SuccessfulVolumeSnapshotCreate',
      `Successfully created VolumeSnapshot ${backup.volumeSnapshotName}`,
      'snapshot-controller',
    )
  }

  async #unlock(vm: KObject | undefined, name: string): Promise<void> {
    if (!vm || ((vm.status ?? {}) as VmStatus).snapshotInProgress !== name) return
    const next = structuredClone(vm)
    const vmStatus = { ...((next.status ?? {}) as VmStatus) }
    delete vmStatus.snapshotInProgress
    await this.#sc.ctx.store.update(
      this.#sc.ctx.defs.vm,
      { ...next, status: vmStatus },
      { subresource: 'status' },
    )
  }
}

function readyCondition(status: SnapshotStatus): Condition[] {
  return setCondition(
    status.conditions ?? [],
    status.readyToUse
      ? { type: 'Ready', status: 'True', reason: 'Ready' }
      : { type: 'Ready', status: 'False', reason: 'Not ready' },
  )
}
