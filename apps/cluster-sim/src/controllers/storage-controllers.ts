// CDI DataVolumes (API.md §6: phases, "42.00%" progress, a bound PVC) and KubeVirt's
// snapshot, restore and clone controllers (API.md §5).
import { randomUUID } from 'node:crypto'
import type { ResourceDef } from '../apiserver/registry.ts'
import { applyPatch } from '../apiserver/patch.ts'
import { StatusError } from '../apiserver/status-error.ts'
import type { KObject } from '../apiserver/types.ts'
import {
  type Condition,
  isFinal,
  keyOf,
  macFrom,
  now,
  phaseOf,
  randomSuffix,
  setCondition,
  splitKey,
  uuidFrom,
} from '../kubevirt/k8s-util.ts'
import { findDef, type KubevirtContext } from './context.ts'
import { runStrategyOf, type VmStatus } from './vm-controller.ts'

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

interface Defs {
  dv?: ResourceDef
  pvc?: ResourceDef
  snapshot?: ResourceDef
  content?: ResourceDef
  restore?: ResourceDef
  clone?: ResourceDef
}

export class StorageControllers {
  readonly #ctx: KubevirtContext
  readonly #defs: Defs
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #importing = new Set<string>()
  readonly defs: ResourceDef[]

  constructor(ctx: KubevirtContext) {
    this.#ctx = ctx
    const r = ctx.registry
    this.#defs = {
      dv: findDef(r, 'cdi.kubevirt.io', 'datavolumes'),
      pvc: findDef(r, '', 'persistentvolumeclaims'),
      snapshot: findDef(r, 'snapshot.kubevirt.io', 'virtualmachinesnapshots'),
      content: findDef(r, 'snapshot.kubevirt.io', 'virtualmachinesnapshotcontents'),
      restore: findDef(r, 'snapshot.kubevirt.io', 'virtualmachinerestores'),
      clone: findDef(r, 'clone.kubevirt.io', 'virtualmachineclones'),
    }
    this.defs = [this.#defs.dv, this.#defs.snapshot, this.#defs.restore, this.#defs.clone].filter(
      (d): d is ResourceDef => d !== undefined,
    )
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
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
    if (def === this.#defs.dv) await this.#dataVolume(key)
    else if (def === this.#defs.snapshot) await this.#snapshot(key)
    else if (def === this.#defs.restore) await this.#restore(key)
    else if (def === this.#defs.clone) await this.#clone(key)
  }

  // ---- DataVolumes -------------------------------------------------------------------------

  async #dataVolume(key: string): Promise<void> {
    const def = this.#defs.dv
    if (!def) return
    const [namespace, name] = splitKey(key)
    const { store } = this.#ctx
    const stored = store.peek(def, namespace, name)
    if (!stored) return
    const dv = structuredClone(stored)
    const status = (dv.status ?? {}) as {
      phase?: string
      progress?: string
      claimName?: string
      restartCount?: number
      conditions?: Condition[]
    }
    const write = () => store.update(def, { ...dv, status }, { subresource: 'status' })
    const spec = (dv.spec ?? {}) as {
      source?: Record<string, unknown>
      storage?: { accessModes?: string[]; resources?: { requests?: { storage?: string } } }
      pvc?: { accessModes?: string[]; resources?: { requests?: { storage?: string } } }
    }
    switch (status.phase ?? '') {
      case '': {
        status.phase = 'Pending'
        status.progress = 'N/A'
        status.restartCount = 0
        status.conditions = [
          { type: 'Bound', status: 'False', reason: 'Pending', message: 'PVC Pending' },
          { type: 'Ready', status: 'False' },
          { type: 'Running', status: 'False' },
        ].reduce<Condition[]>((all, c) => setCondition(all, c as Condition), [])
        await write()
        return
      }
      case 'Pending': {
        const pvcDef = this.#defs.pvc
        if (pvcDef && !store.peek(pvcDef, namespace, name)) {
          const storage = spec.storage ?? spec.pvc ?? {}
          const size = storage.resources?.requests?.storage ?? '10Gi'
          await store.create(pvcDef, {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: {
              name,
              namespace,
              labels: {
                app: 'containerized-data-importer',
                'app.kubernetes.io/component': 'storage',
              },
              annotations: { 'cdi.kubevirt.io/storage.import.importPodName': `importer-${name}` },
              ownerReferences: [
                {
                  apiVersion: 'cdi.kubevirt.io/v1beta1',
                  kind: 'DataVolume',
                  name,
                  uid: dv.metadata.uid ?? '',
                  controller: true,
                  blockOwnerDeletion: true,
                },
              ],
            },
            spec: {
              accessModes: storage.accessModes ?? ['ReadWriteOnce'],
              resources: { requests: { storage: size } },
              storageClassName: 'local-path',
              volumeMode: 'Filesystem',
              volumeName: `pvc-${randomUUID()}`,
            },
            status: {
              phase: 'Bound',
              accessModes: storage.accessModes ?? ['ReadWriteOnce'],
              capacity: { storage: size },
            },
          })
        }
        status.claimName = name
        const blank = !!spec.source?.blank
        status.phase = blank ? 'Succeeded' : 'ImportScheduled'
        if (blank) status.progress = '100.0%'
        status.conditions = setCondition(status.conditions ?? [], {
          type: 'Bound',
          status: 'True',
          reason: 'Bound',
          message: `PVC ${name} Bound`,
        })
        if (blank)
          status.conditions = setCondition(status.conditions, { type: 'Ready', status: 'True' })
        await write()
        return
      }
      case 'ImportScheduled': {
        status.phase = 'ImportInProgress'
        status.progress = '0.00%'
        status.conditions = setCondition(status.conditions ?? [], {
          type: 'Running',
          status: 'True',
          reason: 'Pod is running',
        })
        await write()
        return
      }
      case 'ImportInProgress': {
        if (this.#importing.has(key)) return
        this.#importing.add(key)
        // An import "downloads" for `cdi.vmdeck.io/import-seconds` (simulator knob; default 20 s).
        const seconds = Number(dv.metadata.annotations?.['cdi.vmdeck.io/import-seconds'] ?? 20)
        const step = Math.max(500, (seconds * 1000) / 400)
        const tick = async () => {
          const latest = store.peek(def, namespace, name)
          if (
            !latest ||
            latest.metadata.uid !== dv.metadata.uid ||
            phaseOf(latest) !== 'ImportInProgress'
          ) {
            this.#importing.delete(key)
            return
          }
          const next = structuredClone(latest)
          const s = next.status as typeof status
          const done = Number.parseFloat(s.progress ?? '0') || 0
          const progress = Math.min(100, done + (100 * step) / (seconds * 1000))
          const finished = progress >= 100
          if (finished) {
            s.phase = 'Succeeded'
            s.progress = '100.0%'
            s.conditions = setCondition(
              setCondition(s.conditions ?? [], {
                type: 'Running',
                status: 'False',
                reason: 'Completed',
              }),
              { type: 'Ready', status: 'True' },
            )
          } else s.progress = `${progress.toFixed(2)}%`
          try {
            await store.update(def, next, { subresource: 'status' })
          } catch (error) {
            // Lost a race (409) or the DataVolume went away (404): the reconciler starts over.
            this.#importing.delete(key)
            if (error instanceof StatusError && (error.code === 409 || error.code === 404)) {
              this.#ctx.enqueueStorage(def, key)
              return
            }
            throw error
          }
          if (finished) this.#importing.delete(key)
          else this.#after(step, tick)
        }
        this.#after(step, tick)
        return
      }
      default:
    }
  }

  // ---- Snapshots ---------------------------------------------------------------------------

  async #snapshot(key: string): Promise<void> {
    const def = this.#defs.snapshot
    const contentDef = this.#defs.content
    if (!def || !contentDef) return
    const [namespace, name] = splitKey(key)
    const { store, defs, events } = this.#ctx
    const stored = store.peek(def, namespace, name)
    if (!stored) return
    const snap = structuredClone(stored)
    const status = (snap.status ?? {}) as Record<string, unknown> & {
      phase?: string
      conditions?: Condition[]
    }
    const write = () => store.update(def, { ...snap, status }, { subresource: 'status' })
    const source = (snap.spec as { source?: { name?: string } } | undefined)?.source
    const vm = store.peek(defs.vm, namespace, source?.name ?? '')
    switch (status.phase ?? '') {
      case '': {
        if (!vm) {
          status.phase = 'Unknown'
          status.readyToUse = false
          status.conditions = setCondition(status.conditions ?? [], {
            type: 'Progressing',
            status: 'False',
            reason: 'Source does not exist',
          })
          await write()
          return
        }
        const vmi = store.peek(defs.vmi, namespace, source?.name ?? '')
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
              ? 'Snapshot was taken while the VM was running'
              : indication === 'GuestAgent'
                ? 'Guest agent was used to freeze the filesystems'
                : 'No guest agent: the snapshot is crash-consistent',
        }))
        status.virtualMachineSnapshotContentName = `vmsnapshot-content-${snap.metadata.uid}`
        status.conditions = setCondition(
          setCondition(status.conditions ?? [], {
            type: 'Progressing',
            status: 'True',
            reason: 'Source locked and operation in progress',
          }),
          { type: 'Ready', status: 'False', reason: 'Not ready' },
        )
        const volumes =
          (
            vm.spec as {
              template?: {
                spec?: {
                  volumes?: { name: string; dataVolume?: object; persistentVolumeClaim?: object }[]
                }
              }
            }
          ).template?.spec?.volumes ?? []
        status.snapshotVolumes = {
          includedVolumes: volumes
            .filter((v) => v.dataVolume || v.persistentVolumeClaim)
            .map((v) => v.name),
          excludedVolumes: volumes
            .filter((v) => !v.dataVolume && !v.persistentVolumeClaim)
            .map((v) => v.name),
        }
        await write()
        const nextVm = structuredClone(vm)
        nextVm.status = { ...((nextVm.status ?? {}) as VmStatus), snapshotInProgress: name }
        await store.update(defs.vm, nextVm, { subresource: 'status' })
        return
      }
      case 'InProgress': {
        const contentName = String(status.virtualMachineSnapshotContentName)
        if (!store.peek(contentDef, namespace, contentName)) {
          const sourceVm = vm ? structuredClone(vm) : undefined
          await store.create(contentDef, {
            apiVersion: 'snapshot.kubevirt.io/v1beta1',
            kind: 'VirtualMachineSnapshotContent',
            metadata: {
              name: contentName,
              namespace,
              ownerReferences: [
                {
                  apiVersion: 'snapshot.kubevirt.io/v1beta1',
                  kind: 'VirtualMachineSnapshot',
                  name,
                  uid: snap.metadata.uid ?? '',
                  controller: true,
                  blockOwnerDeletion: true,
                },
              ],
            },
            spec: {
              source: {
                virtualMachine: sourceVm
                  ? {
                      metadata: {
                        name: sourceVm.metadata.name,
                        namespace,
                        labels: sourceVm.metadata.labels,
                        annotations: sourceVm.metadata.annotations,
                        uid: sourceVm.metadata.uid,
                      },
                      spec: sourceVm.spec,
                    }
                  : {},
              },
              virtualMachineSnapshotName: name,
              volumeBackups: (
                (status.snapshotVolumes as { includedVolumes?: string[] } | undefined)
                  ?.includedVolumes ?? []
              ).map((volumeName) => ({
                volumeName,
                persistentVolumeClaim: { metadata: { name: volumeName } },
                volumeSnapshotName: `vmsnapshot-${snap.metadata.uid}-volume-${volumeName}`,
              })),
            },
            status: { readyToUse: true, creationTime: now() },
          })
        }
        status.phase = 'Succeeded'
        status.readyToUse = true
        status.creationTime = now()
        status.conditions = setCondition(
          setCondition(status.conditions ?? [], {
            type: 'Progressing',
            status: 'False',
            reason: 'Operation complete',
          }),
          { type: 'Ready', status: 'True', reason: 'Operation complete' },
        )
        await write()
        if (vm) {
          const nextVm = structuredClone(vm)
          const vmStatus = { ...((nextVm.status ?? {}) as VmStatus) }
          delete vmStatus.snapshotInProgress
          await store.update(defs.vm, { ...nextVm, status: vmStatus }, { subresource: 'status' })
        }
        events.record(
          snap,
          'Normal',
          'SuccessfulVirtualMachineSnapshotCreate',
          `Successfully created VirtualMachineSnapshot ${name}`,
          'snapshot-controller',
        )
        return
      }
      default:
    }
  }

  /**
   * Deleting a snapshot deletes its content (deletionPolicy Delete, the default). Called from a
   * watch; the deletion runs in the background and a failure is logged.
   */
  snapshotDeleted(snap: KObject): void {
    this.#deleteContent(snap).catch((error: unknown) =>
      console.error('cluster-sim: could not delete a snapshot content:', error),
    )
  }

  async #deleteContent(snap: KObject): Promise<void> {
    const contentDef = this.#defs.content
    if (!contentDef) return
    const policy =
      (snap.spec as { deletionPolicy?: string } | undefined)?.deletionPolicy ?? 'Delete'
    const contentName = (snap.status as { virtualMachineSnapshotContentName?: string } | undefined)
      ?.virtualMachineSnapshotContentName
    if (policy !== 'Delete' || !contentName) return
    if (this.#ctx.store.peek(contentDef, snap.metadata.namespace, contentName))
      await this.#ctx.store.delete(contentDef, snap.metadata.namespace, contentName)
  }

  // ---- Restores ----------------------------------------------------------------------------

  async #restore(key: string): Promise<void> {
    const def = this.#defs.restore
    const snapDef = this.#defs.snapshot
    const contentDef = this.#defs.content
    if (!def || !snapDef || !contentDef) return
    const [namespace, name] = splitKey(key)
    const { store, defs, events } = this.#ctx
    const stored = store.peek(def, namespace, name)
    if (!stored) return
    const restore = structuredClone(stored)
    const status = (restore.status ?? {}) as Record<string, unknown> & {
      complete?: boolean
      conditions?: Condition[]
    }
    if (
      status.complete ||
      (status.conditions ?? []).some((c) => c.type === 'Failure' && c.status === 'True')
    )
      return
    const write = () => store.update(def, { ...restore, status }, { subresource: 'status' })
    const spec = restore.spec as {
      target?: { name?: string }
      virtualMachineSnapshotName?: string
      targetReadinessPolicy?: string
    }
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
    const snapshotVm = (content?.spec as { source?: { virtualMachine?: KObject } } | undefined)
      ?.source?.virtualMachine
    if (!snapshotVm) return fail(`VMSnapshotContent ${namespace}/${name} not ready`)
    const target = store.peek(defs.vm, namespace, targetName)
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
          this.#after(created + GRACE_PERIOD_MS - Date.now() + 50, () =>
            this.#ctx.enqueueStorage(def, key),
          )
      }
      return
    }
    // The target is stopped (or does not exist): restore its spec from the snapshot.
    if (target) {
      const next = structuredClone(target)
      const runStrategy = runStrategyOf(target)
      next.spec = structuredClone(snapshotVm.spec)
      const nextSpec = next.spec as { running?: boolean; runStrategy?: string }
      delete nextSpec.running
      nextSpec.runStrategy = runStrategy
      next.metadata.labels = snapshotVm.metadata.labels ?? next.metadata.labels
      await store.update(defs.vm, next)
    } else {
      await store.create(defs.vm, {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachine',
        metadata: { name: targetName, namespace, labels: snapshotVm.metadata.labels ?? {} },
        spec: newIdentity(
          structuredClone(snapshotVm.spec) as Record<string, unknown>,
          `${namespace}/${targetName}`,
        ),
      })
    }
    status.complete = true
    status.restoreTime = now()
    status.restores = []
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

  // ---- Clones ------------------------------------------------------------------------------

  async #clone(key: string): Promise<void> {
    const def = this.#defs.clone
    if (!def) return
    const [namespace, name] = splitKey(key)
    const { store, defs, events } = this.#ctx
    const stored = store.peek(def, namespace, name)
    if (!stored) return
    const clone = structuredClone(stored)
    const status = (clone.status ?? {}) as Record<string, unknown> & {
      phase?: string
      conditions?: Condition[]
    }
    const write = () => store.update(def, { ...clone, status }, { subresource: 'status' })
    const spec = clone.spec as {
      source?: { kind?: string; name?: string }
      target?: { name?: string }
      labelFilters?: string[]
      annotationFilters?: string[]
      template?: { labelFilters?: string[]; annotationFilters?: string[] }
      newMacAddresses?: Record<string, string>
      newSMBiosSerial?: string
      patches?: string[]
    }
    const phase = status.phase ?? ''
    if (phase === 'Succeeded' || phase === 'Failed') return
    const source = store.peek(defs.vm, namespace, spec.source?.name ?? '')
    const targetName =
      (status.targetName as string | undefined) ??
      spec.target?.name ??
      `clone-${name}-${randomSuffix()}`
    switch (phase) {
      case '':
        if (!source) {
          status.phase = 'Failed'
          status.conditions = setCondition(status.conditions ?? [], {
            type: 'Ready',
            status: 'False',
            reason: `Source doesnt exist`,
          })
          await write()
          return
        }
        status.phase = 'SnapshotInProgress'
        status.snapshotName = `tmp-snapshot-${clone.metadata.uid}`
        status.targetName = targetName
        status.creationTime = now()
        status.conditions = setCondition(
          setCondition(status.conditions ?? [], {
            type: 'Progressing',
            status: 'True',
            reason: 'Snapshot in progress',
          }),
          { type: 'Ready', status: 'False', reason: 'Snapshot in progress' },
        )
        await write()
        return
      case 'SnapshotInProgress':
        status.phase = 'CreatingTargetVM'
        await write()
        return
      case 'CreatingTargetVM':
        status.phase = 'RestoreInProgress'
        status.restoreName = `tmp-restore-${clone.metadata.uid}`
        status.conditions = setCondition(status.conditions ?? [], {
          type: 'Progressing',
          status: 'True',
          reason: 'Restore in progress',
        })
        await write()
        return
      case 'RestoreInProgress': {
        if (!source) {
          status.phase = 'Failed'
          await write()
          return
        }
        if (!store.peek(defs.vm, namespace, targetName)) {
          const template = structuredClone(
            (
              source.spec as {
                template?: {
                  metadata?: {
                    labels?: Record<string, string>
                    annotations?: Record<string, string>
                  }
                }
              }
            ).template ?? {},
          )
          const vmSpec = structuredClone(source.spec) as Record<string, unknown>
          ;(vmSpec as { template?: unknown }).template = {
            ...template,
            metadata: {
              ...(template.metadata ?? {}),
              labels: filterKeys(template.metadata?.labels, spec.template?.labelFilters),
              annotations: filterKeys(
                template.metadata?.annotations,
                spec.template?.annotationFilters,
              ),
            },
          }
          const strategy = runStrategyOf(source)
          delete (vmSpec as { running?: boolean }).running
          ;(vmSpec as { runStrategy?: string }).runStrategy =
            strategy === 'Always' ? 'Halted' : strategy
          const target: KObject = {
            apiVersion: 'kubevirt.io/v1',
            kind: 'VirtualMachine',
            metadata: {
              name: targetName,
              namespace,
              labels: filterKeys(source.metadata.labels, spec.labelFilters),
              annotations: filterKeys(source.metadata.annotations, spec.annotationFilters),
            },
            spec: newIdentity(
              vmSpec,
              `${namespace}/${targetName}`,
              spec.newMacAddresses,
              spec.newSMBiosSerial,
            ),
          }
          // `spec.patches`: JSON-patch operations (one JSON string each) applied to the new VM
          // before it is created (API.md §5.3). A bad patch fails the clone.
          let patched = target
          try {
            if (spec.patches?.length) {
              patched = applyPatch(
                target,
                `[${spec.patches.join(',')}]`,
                'application/json-patch+json',
                defs.vm,
              )
            }
          } catch (error) {
            status.phase = 'Failed'
            status.conditions = setCondition(status.conditions ?? [], {
              type: 'Ready',
              status: 'False',
              reason: `failed to apply patches: ${(error as Error).message}`,
            })
            await write()
            return
          }
          await store.create(defs.vm, patched)
        }
        status.phase = 'Succeeded'
        status.conditions = setCondition(
          setCondition(status.conditions ?? [], {
            type: 'Progressing',
            status: 'False',
            reason: 'Ready',
          }),
          { type: 'Ready', status: 'True', reason: 'Ready' },
        )
        await write()
        events.record(
          clone,
          'Normal',
          'CloneSucceeded',
          `Clone ${name} succeeded`,
          'clone-controller',
        )
        return
      }
      default:
    }
  }
}

/** The clone API's filters: `*` only at the end, `!` only at the start; unset copies all. */
export function filterKeys(
  map: Record<string, string> | undefined,
  filters: string[] | undefined,
): Record<string, string> {
  if (!map) return {}
  if (!filters) return { ...map }
  const matches = (pattern: string, key: string) =>
    pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(map)) {
    const included = filters.some((f) => !f.startsWith('!') && matches(f, key))
    const excluded = filters.some((f) => f.startsWith('!') && matches(f.slice(1), key))
    if (included && !excluded) out[key] = value
  }
  return out
}

/** A copied VM spec gets a new identity: MACs stripped (or the given ones), a new firmware UUID. */
function newIdentity(
  vmSpec: Record<string, unknown>,
  seed: string,
  macs: Record<string, string> = {},
  serial?: string,
): Record<string, unknown> {
  const template = (vmSpec.template ?? {}) as {
    spec?: {
      domain?: {
        firmware?: { uuid?: string; serial?: string }
        devices?: { interfaces?: { name: string; macAddress?: string }[] }
      }
    }
  }
  const domain = template.spec?.domain
  if (domain) {
    domain.firmware = { ...(domain.firmware ?? {}), uuid: uuidFrom(`${seed}/${randomUUID()}`) }
    if (serial) domain.firmware.serial = serial
    else delete domain.firmware.serial
    for (const iface of domain.devices?.interfaces ?? []) {
      if (macs[iface.name]) iface.macAddress = macs[iface.name]
      else delete iface.macAddress
    }
  }
  return vmSpec
}

export const cloneMac = macFrom
export { keyOf }
