// KubeVirt's VirtualMachineRestore controller (kubevirt pkg/storage/snapshot restore.go;
// docs/KUBEVIRT-NOTES.md#snapshots-restores-clones): wait for the target VM to stop (per
// targetReadinessPolicy), make a claim from each volume's VolumeSnapshot, then write the snapshot's
// spec onto the target (or create it) with the volumes pointing at the new claims.
import type { KObject } from '../kube/types.ts'
import { type Condition, isFinal, now, setCondition, splitKey } from '../kubevirt/k8s-util.ts'
import { applyJsonPatch, parsePatches } from './json-patch.ts'
import {
  controllerOf,
  controllerRef,
  pvcPhase,
  sameJson,
  type StorageContext,
  type VmVolume,
  vmVolumes,
} from './storage-context.ts'
import { runStrategyOf, type VmStatus } from './vm-controller.ts'
import type { ContentSpec, VolumeBackup } from './vm-snapshot-controller.ts'

const GRACE_PERIOD_MS = 5 * 60_000 // snapshotv1.DefaultGracePeriod
const waitGracePeriodMessage =
  'Waiting for target VM to be powered off. Please stop the restore target to proceed with restore, or the operation will fail after 5m0s'
const restoreGracePeriodExceededError =
  'Restore target failed to be ready within 5m0s. Please power off the target VM before attempting restore'
const vmiExistsEventMessage =
  'Restore target VMI still exists, please stop the restore target to proceed with restore'
const targetNotReadyFailureMessage =
  'Restore target VMI must be powered off before restore operation'
const stopTargetMessage = 'Automatically stopping restore target for restore operation'
const waitEventuallyMessage =
  'Waiting for target VM to be powered off. Please stop the restore target to proceed with restore'

// restore.go's annotations; CDI's prePopulated/populatedFor (containerized-data-importer).
const lastRestoreAnnotation = 'restore.kubevirt.io/lastRestoreUID'
const restoreNameAnnotation = 'restore.kubevirt.io/name'
const annPopulatedFor = 'cdi.kubevirt.io/storage.populatedFor'
const annPrePopulated = 'cdi.kubevirt.io/storage.prePopulated'
/** Annotations of the source claim not copied to the restored one (restoreAnnotationsToDelete). */
const droppedAnnotationPrefixes = [
  'pv.kubernetes.io',
  'volume.beta.kubernetes.io',
  'cdi.kubevirt.io',
  'volume.kubernetes.io',
  'k8s.io/CloneRequest',
  'k8s.io/CloneOf',
]
const contentTypeAnnotation = 'cdi.kubevirt.io/storage.contentType'

interface VolumeRestore {
  volumeName: string
  persistentVolumeClaim: string
  volumeSnapshotName: string
  dataVolumeName?: string
}

interface RestoreStatus {
  complete?: boolean
  restoreTime?: string
  restores?: VolumeRestore[]
  deletedDataVolumes?: string[]
  conditions?: Condition[]
}

interface RestoreSpec {
  target?: { name?: string }
  virtualMachineSnapshotName?: string
  targetReadinessPolicy?: string
  volumeRestorePolicy?: string
  volumeRestoreOverrides?: { volumeName?: string; restoreName?: string }[]
  patches?: string[]
}

interface VmSpec {
  running?: boolean
  runStrategy?: string
  dataVolumeTemplates?: { metadata?: { name?: string } }[]
  template?: { spec?: { volumes?: VmVolume[] } }
}

export class VmRestoreController {
  readonly #sc: StorageContext

  constructor(sc: StorageContext) {
    this.#sc = sc
  }

  async reconcile(key: string): Promise<void> {
    const { restore: def, snapshot: snapDef, content: contentDef } = this.#sc.defs
    if (!def || !snapDef || !contentDef) return
    const [namespace, name] = splitKey(key)
    const { store, defs, events } = this.#sc.ctx
    const stored = store.peek(def, namespace, name)
    if (!stored) return
    const restore = structuredClone(stored)
    const status = (restore.status ?? {}) as RestoreStatus
    if (
      status.complete ||
      (status.conditions ?? []).some((c) => c.type === 'Failure' && c.status === 'True')
    )
      return
    const write = async () => {
      if (!sameJson(status, stored.status))
        await store.update(def, { ...restore, status }, { subresource: 'status' })
    }
    const progressing = async (progress: string, ready: string) => {
      status.complete = false
      status.conditions = setCondition(
        setCondition(status.conditions ?? [], {
          type: 'Progressing',
          status: 'True',
          reason: progress,
        }),
        { type: 'Ready', status: 'False', reason: ready },
      )
      await write()
    }
    const spec = restore.spec as RestoreSpec
    const targetName = spec.target?.name ?? ''
    const fail = async (message: string) => {
      status.complete = false
      status.conditions = setCondition(
        setCondition(
          setCondition(status.conditions ?? [], {
            type: 'Failure',
            status: 'True',
            reason: message,
          }),
          { type: 'Progressing', status: 'False', reason: message },
        ),
        { type: 'Ready', status: 'False', reason: message },
      )
      await write()
      events.record(restore, 'Warning', 'VirtualMachineRestoreError', message, 'restore-controller')
    }
    const snap = store.peek(snapDef, namespace, spec.virtualMachineSnapshotName ?? '')
    if (!snap || (snap.status as { readyToUse?: boolean } | undefined)?.readyToUse !== true) {
      const reason = `VMSnapshot ${namespace}/${spec.virtualMachineSnapshotName ?? ''} not ready`
      if ((status.conditions ?? []).find((c) => c.type === 'Ready')?.reason === reason) return
      status.complete = false
      status.conditions = setCondition(status.conditions ?? [], {
        type: 'Ready',
        status: 'False',
        reason,
      })
      await write()
      return
    }
    const content = store.peek(
      contentDef,
      namespace,
      String(
        (snap.status as { virtualMachineSnapshotContentName?: string })
          .virtualMachineSnapshotContentName,
      ),
    )
    const contentSpec = content?.spec as ContentSpec | undefined
    const snapshotVm = contentSpec?.source?.virtualMachine
    if (!snapshotVm) return fail(`VMSnapshotContent ${namespace}/${name} not ready`)
    let target = store.peek(defs.vm, namespace, targetName)
    const vmi = target && store.peek(defs.vmi, namespace, targetName)
    if (vmi && !isFinal(vmi)) {
      const policy = spec.targetReadinessPolicy ?? 'WaitGracePeriod'
      if (policy === 'FailImmediate') return fail(targetNotReadyFailureMessage)
      if (policy === 'StopTarget') {
        if (
          (status.conditions ?? []).find((c) => c.type === 'Ready')?.reason !== stopTargetMessage
        ) {
          events.record(
            restore,
            'Warning',
            'RestoreTargetNotReady',
            stopTargetMessage,
            'restore-controller',
          )
          status.conditions = setCondition(
            setCondition(status.conditions ?? [], {
              type: 'Progressing',
              status: 'False',
              reason: stopTargetMessage,
            }),
            { type: 'Ready', status: 'False', reason: stopTargetMessage },
          )
          await write()
          if (!target) return
          const vmCopy = structuredClone(target)
          const vmSpec = vmCopy.spec as { running?: boolean; runStrategy?: string }
          if (vmSpec.running !== undefined) vmSpec.running = false
          else vmSpec.runStrategy = 'Halted'
          await store.update(defs.vm, vmCopy)
        }
        return
      }
      const created = Date.parse(restore.metadata.creationTimestamp ?? now())
      if (policy === 'WaitGracePeriod' && Date.now() - created >= GRACE_PERIOD_MS)
        return fail(restoreGracePeriodExceededError)
      const reason = policy === 'WaitEventually' ? waitEventuallyMessage : waitGracePeriodMessage
      if ((status.conditions ?? []).find((c) => c.type === 'Ready')?.reason !== reason) {
        events.record(
          restore,
          'Warning',
          'RestoreTargetNotReady',
          vmiExistsEventMessage,
          'restore-controller',
        )
        status.complete = false
        status.conditions = setCondition(
          setCondition(status.conditions ?? [], { type: 'Progressing', status: 'False', reason }),
          { type: 'Ready', status: 'False', reason },
        )
        await write()
        if (policy === 'WaitGracePeriod')
          this.#sc.after(created + GRACE_PERIOD_MS - Date.now() + 50, () =>
            this.#sc.enqueue(def, namespace, name),
          )
      }
      return
    }
    const restored = !!target && hasLastRestore(restore, target)
    const sourceUid = (snap.status as { sourceUID?: string }).sourceUID
    if (target && !restored && sourceUid && target.metadata.uid !== sourceUid)
      return fail(
        'restore source and restore target are different but restore target already exists',
      )

    // The target shows the restore while it runs (UpdateRestoreInProgress).
    if (target && !restored) {
      const inProgress = ((target.status ?? {}) as VmStatus).restoreInProgress
      if (inProgress && inProgress !== name) {
        status.conditions = setCondition(status.conditions ?? [], {
          type: 'Ready',
          status: 'False',
          reason: `vm restore ${inProgress} in progress`,
        })
        await write()
        return
      }
      if (!inProgress) {
        const next = structuredClone(target)
        next.status = { ...((target.status ?? {}) as VmStatus), restoreInProgress: name }
        target = await store.update(defs.vm, next, { subresource: 'status' })
      }
    }

    // New claims from the volumes' VolumeSnapshots (reconcileVolumeRestores).
    const restores = (contentSpec.volumeBackups ?? []).map(
      (backup): VolumeRestore =>
        status.restores?.find((r) => r.volumeName === backup.volumeName) ?? {
          volumeName: backup.volumeName,
          persistentVolumeClaim: restoreVolumeName(restore, backup.volumeName),
          volumeSnapshotName: backup.volumeSnapshotName,
        },
    )
    if (!sameJson(restores, status.restores ?? [])) {
      status.restores = restores
      return progressing('Creating new PVCs', 'Waiting for new PVCs')
    }
    const pvcDef = this.#sc.defs.pvc
    let waiting = false
    for (const volumeRestore of restores) {
      if (!pvcDef) break
      const pvc = store.peek(pvcDef, namespace, volumeRestore.persistentVolumeClaim)
      if (!pvc) {
        const backup = contentSpec.volumeBackups?.find(
          (b) => b.volumeName === volumeRestore.volumeName,
        )
        if (backup) await this.#createClaim(restore, volumeRestore, backup, target)
        waiting = true
      } else if (pvcPhase(pvc) !== 'Bound') waiting = true
    }
    if (waiting) return progressing('Creating new PVCs', 'Waiting for new PVCs')

    if (!restored) {
      // DataVolume-template volumes come back as new DataVolumes that adopt the restored claim.
      let renamed = false
      for (const volumeRestore of restores) {
        const volume = vmVolumes(snapshotVm).find((v) => v.name === volumeRestore.volumeName)
        const dvName = volume?.dataVolume?.name
        if (!dvName || !templateNames(snapshotVm).includes(dvName)) continue
        const newName = restoreVolumeName(restore, volumeRestore.volumeName)
        const pvc = pvcDef && store.peek(pvcDef, namespace, volumeRestore.persistentVolumeClaim)
        if (pvcDef && pvc && pvc.metadata.annotations?.[annPopulatedFor] !== newName) {
          const next = structuredClone(pvc)
          next.metadata.annotations = { ...next.metadata.annotations, [annPopulatedFor]: newName }
          await store.update(pvcDef, next)
        }
        if (volumeRestore.dataVolumeName !== newName) {
          volumeRestore.dataVolumeName = newName
          renamed = true
        }
      }
      if (renamed) {
        status.restores = restores
        return progressing('Updating target spec', 'Waiting for target update')
      }
      const restoredVm = this.#restoredVm(restore, snapshotVm, target, restores)
      if (await this.#createDataVolumes(restore, restoredVm))
        return progressing('Updating target spec', 'Waiting for target update')
      const obsolete = templateNames(target).filter((n) => !templateNames(restoredVm).includes(n))
      if (obsolete.length) status.deletedDataVolumes = obsolete
      if (!target) {
        let created = restoredVm
        try {
          if (spec.patches?.length) created = applyJsonPatch(restoredVm, parsePatches(spec.patches))
        } catch (error) {
          return fail(`error patching VM ${targetName}: ${(error as Error).message}`)
        }
        await store.create(defs.vm, created)
      } else await store.update(defs.vm, restoredVm)
      this.#sc.enqueue(def, namespace, name)
      return progressing('Updating target spec', 'Waiting for target update')
    }

    // Done: the replaced DataVolumes go, the target is released.
    if (!target) return
    for (const dvName of status.deletedDataVolumes ?? []) {
      const dvDef = this.#sc.defs.dv
      if (dvDef && store.peek(dvDef, namespace, dvName))
        await store.delete(dvDef, namespace, dvName)
    }
    if (((target.status ?? {}) as VmStatus).restoreInProgress === name) {
      const next = structuredClone(target)
      const vmStatus = { ...((next.status ?? {}) as VmStatus) }
      delete vmStatus.restoreInProgress
      await store.update(defs.vm, { ...next, status: vmStatus }, { subresource: 'status' })
    }
    status.complete = true
    status.restoreTime = now()
    status.restores = restores
    status.conditions = setCondition(
      setCondition(status.conditions ?? [], {
        type: 'Progressing',
        status: 'False',
        reason: 'Operation complete',
      }),
      { type: 'Ready', status: 'True', reason: 'Operation complete' },
    )
    await write()
    events.record(
      restore,
      'Normal',
      'VirtualMachineRestoreComplete',
      `Successfully completed VirtualMachineRestore ${name}`,
      'restore-controller',
    )
  }

  /** A claim with the volume's VolumeSnapshot as its data source (CreateRestorePVCDef). */
  async #createClaim(
    restore: KObject,
    volumeRestore: VolumeRestore,
    backup: VolumeBackup,
    target: KObject | undefined,
  ): Promise<void> {
    const pvcDef = this.#sc.defs.pvc
    const vsDef = this.#sc.defs.volumeSnapshot
    if (!pvcDef || !vsDef) return
    const { store } = this.#sc.ctx
    const vs = store.peek(vsDef, restore.metadata.namespace, backup.volumeSnapshotName)
    if (!vs) throw new Error(`missing volumeSnapshot ${backup.volumeSnapshotName}`)
    const source = backup.persistentVolumeClaim
    const sourceSpec = source.spec as {
      accessModes?: string[]
      resources?: { requests?: Record<string, string> }
      storageClassName?: string
      volumeMode?: string
    }
    const annotations = Object.fromEntries(
      Object.entries(source.metadata.annotations ?? {}).filter(
        ([key]) =>
          key === contentTypeAnnotation ||
          !droppedAnnotationPrefixes.some((p) => key.startsWith(p)),
      ),
    )
    const requests = { ...sourceSpec.resources?.requests }
    const restoreSize = (vs.status as { restoreSize?: string } | undefined)?.restoreSize
    if (restoreSize && !requests.storage) requests.storage = restoreSize
    const dataSource = {
      apiGroup: 'snapshot.storage.k8s.io',
      kind: 'VolumeSnapshot',
      name: backup.volumeSnapshotName,
    }
    const sourceDataVolume = source.metadata.ownerReferences?.find((o) => o.kind === 'DataVolume')
    await store.create(pvcDef, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: volumeRestore.persistentVolumeClaim,
        namespace: restore.metadata.namespace,
        ...(source.metadata.labels ? { labels: source.metadata.labels } : {}),
        annotations: {
          ...annotations,
          // The DataVolume the restored claim is for adopts it (restore.go createRestorePVC).
          ...(volumeRestore.dataVolumeName
            ? { [annPopulatedFor]: volumeRestore.dataVolumeName }
            : {}),
        },
        // Owned by the target VM when it exists; a DataVolume's claim is adopted by it instead.
        ...(target && !sourceDataVolume
          ? { ownerReferences: [controllerRef(target, 'kubevirt.io/v1', 'VirtualMachine')] }
          : {}),
      },
      spec: {
        accessModes: sourceSpec.accessModes,
        resources: { requests },
        ...(sourceSpec.storageClassName ? { storageClassName: sourceSpec.storageClassName } : {}),
        ...(sourceSpec.volumeMode ? { volumeMode: sourceSpec.volumeMode } : {}),
        dataSource,
        dataSourceRef: dataSource,
      },
    })
  }

  /** The target's new spec: the snapshot's, volumes renamed to the restored claims. */
  #restoredVm(
    restore: KObject,
    snapshotVm: KObject,
    target: KObject | undefined,
    restores: VolumeRestore[],
  ): KObject {
    const snapshotSpec = structuredClone(snapshotVm.spec) as VmSpec
    const templates = snapshotSpec.dataVolumeTemplates ?? []
    const volumes = (snapshotSpec.template?.spec?.volumes ?? []).flatMap((volume): VmVolume[] => {
      if (volume.name === undefined || volume.memoryDump) return []
      const volumeRestore = restores.find((r) => r.volumeName === volume.name)
      if (!volumeRestore) return [volume]
      if (volume.persistentVolumeClaim)
        return [
          {
            ...volume,
            persistentVolumeClaim: {
              ...volume.persistentVolumeClaim,
              claimName: volumeRestore.persistentVolumeClaim,
            },
          },
        ]
      const template = templates.find((t) => t.metadata?.name === volume.dataVolume?.name)
      if (template && volumeRestore.dataVolumeName) {
        template.metadata = { ...template.metadata, name: volumeRestore.dataVolumeName }
        return [{ ...volume, dataVolume: { name: volumeRestore.dataVolumeName } }]
      }
      // A DataVolume not from a template comes back as a plain claim.
      return [
        {
          name: volume.name,
          persistentVolumeClaim: { claimName: volumeRestore.persistentVolumeClaim },
        },
      ]
    })
    const annotations = {
      ...(target ? target.metadata.annotations : snapshotVm.metadata.annotations),
      [lastRestoreAnnotation]: `${restore.metadata.name ?? ''}-${restore.metadata.uid ?? ''}`,
    }
    const spec: VmSpec = {
      ...snapshotSpec,
      dataVolumeTemplates: templates,
      template: {
        ...snapshotSpec.template,
        spec: { ...snapshotSpec.template?.spec, volumes },
      },
    }
    if (!target) {
      if (spec.running !== undefined) spec.running = false
      else spec.runStrategy = 'Halted'
      return {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachine',
        metadata: {
          name: (restore.spec as RestoreSpec).target?.name ?? '',
          namespace: restore.metadata.namespace,
          ...(snapshotVm.metadata.labels ? { labels: snapshotVm.metadata.labels } : {}),
          annotations,
        },
        spec,
      }
    }
    // An existing VM keeps its run strategy.
    if ((target.spec as VmSpec).running !== undefined) {
      spec.running = false
      delete spec.runStrategy
    } else {
      spec.runStrategy = runStrategyOf(target)
      delete spec.running
    }
    const next = structuredClone(target)
    next.metadata.annotations = annotations
    return { ...next, spec }
  }

  /** reconcileDataVolumes: a restored template's DataVolume, marked prePopulated. */
  async #createDataVolumes(restore: KObject, restoredVm: KObject): Promise<boolean> {
    const { dv: dvDef, pvc: pvcDef } = this.#sc.defs
    if (!dvDef || !pvcDef) return false
    const { store } = this.#sc.ctx
    let created = false
    for (const template of (restoredVm.spec as { dataVolumeTemplates?: KObject[] })
      .dataVolumeTemplates ?? []) {
      const name = template.metadata.name ?? ''
      if (store.peek(dvDef, restore.metadata.namespace, name)) continue
      const pvc = store.peek(pvcDef, restore.metadata.namespace, name)
      if (!pvc || pvc.metadata.annotations?.[annPopulatedFor] !== name || controllerOf(pvc))
        continue
      await store.create(dvDef, {
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataVolume',
        metadata: {
          ...structuredClone(template.metadata),
          name,
          namespace: restore.metadata.namespace,
          annotations: {
            ...template.metadata.annotations,
            [restoreNameAnnotation]: restore.metadata.name ?? '',
            [annPrePopulated]: 'true',
          },
        },
        spec: structuredClone(template.spec),
      })
      created = true
    }
    return created
  }
}

const templateNames = (vm: KObject | undefined): string[] =>
  ((vm?.spec as VmSpec | undefined)?.dataVolumeTemplates ?? []).flatMap((t) =>
    t.metadata?.name ? [t.metadata.name] : [],
  )

const hasLastRestore = (restore: KObject, vm: KObject) =>
  vm.metadata.annotations?.[lastRestoreAnnotation] ===
  `${restore.metadata.name ?? ''}-${restore.metadata.uid ?? ''}`

/**
 * The name of a restored claim (restoreVolumeName): an override, `<target>-<volume>` for
 * PrefixTargetName, else `restore-<restore uid>-<volume>` (RandomizeNames). InPlace, which
 * deletes the target's claims first, is not simulated: it restores under new names too.
 */
function restoreVolumeName(restore: KObject, volumeName: string): string {
  const spec = restore.spec as RestoreSpec
  const override = spec.volumeRestoreOverrides?.find(
    (o) => o.volumeName === volumeName && o.restoreName,
  )
  if (override?.restoreName) return override.restoreName
  if (spec.volumeRestorePolicy === 'PrefixTargetName')
    return `${spec.target?.name ?? ''}-${volumeName}`.slice(0, 63)
  return `restore-${restore.metadata.uid ?? ''}-${volumeName}`
}
