// KubeVirt's VirtualMachineClone controller (docs/KUBEVIRT-NOTES.md#snapshots-restores-clones;
// kubevirt pkg/virt-controller/watch/clone): a temporary VirtualMachineSnapshot of the source, then
// a temporary VirtualMachineRestore of it to the target with patches that give the copy its own
// identity; both are deleted once the new VM's claims are bound.
import { randomUUID } from 'node:crypto'
import type { KObject } from '../kube/types.ts'
import { type Condition, randomSuffix, setCondition, splitKey } from '../kubevirt/k8s-util.ts'
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

interface CloneStatus {
  phase?: string
  snapshotName?: string
  restoreName?: string
  targetName?: string
  creationTime?: string
  conditions?: Condition[]
}

interface CloneSpec {
  source?: { kind?: string; name?: string }
  target?: { name?: string }
  labelFilters?: string[]
  annotationFilters?: string[]
  template?: { labelFilters?: string[]; annotationFilters?: string[] }
  newMacAddresses?: Record<string, string>
  newSMBiosSerial?: string
  patches?: string[]
  volumeNamePolicy?: string
}

interface SourceVmSpec {
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }
    spec?: {
      domain?: {
        firmware?: { uuid?: string; serial?: string }
        devices?: { interfaces?: { name: string; macAddress?: string }[] }
      }
    }
  }
}

/** What one pass found (clone.go syncInfoType). */
interface Sync {
  pending?: string
  failing?: string
  snapshotName?: string
  snapshotReady?: boolean
  restoreName?: string
  restoreReady?: boolean
  targetName?: string
  targetCreated?: boolean
  pvcBound?: boolean
}

export class VmCloneController {
  readonly #sc: StorageContext

  constructor(sc: StorageContext) {
    this.#sc = sc
  }

  async reconcile(key: string): Promise<void> {
    const def = this.#sc.defs.clone
    if (!def) return
    const [namespace, name] = splitKey(key)
    const stored = this.#sc.ctx.store.peek(def, namespace, name)
    if (!stored) return
    const status = structuredClone((stored.status ?? {}) as CloneStatus)
    if (status.phase === 'Failed') return
    if (status.phase === 'Succeeded' && !status.restoreName) return
    const sync = await this.#sync(stored, status)
    this.#updateStatus(stored, status, sync)
    if (!sameJson(status, stored.status))
      await this.#sc.ctx.store.update(def, { ...stored, status }, { subresource: 'status' })
  }

  async #sync(clone: KObject, status: CloneStatus): Promise<Sync> {
    const { store, defs } = this.#sc.ctx
    const { snapshot: snapDef, restore: restoreDef } = this.#sc.defs
    const namespace = clone.metadata.namespace
    const spec = clone.spec as CloneSpec
    const sync: Sync = {}
    if (!snapDef || !restoreDef) return { failing: 'snapshots are not served' }
    const sourceKind = spec.source?.kind ?? 'VirtualMachine'
    let snapshotName = status.snapshotName
    let source: KObject | undefined
    if (sourceKind === 'VirtualMachineSnapshot') {
      if (!store.peek(snapDef, namespace, spec.source?.name ?? ''))
        return {
          pending: `Source doesnt exist: VirtualMachineSnapshot ${namespace ?? ''}/${spec.source?.name ?? ''}`,
        }
      snapshotName = spec.source?.name
    } else {
      source = store.peek(defs.vm, namespace, spec.source?.name ?? '')
      if (!source)
        return {
          pending: `Source doesnt exist: VirtualMachine ${namespace ?? ''}/${spec.source?.name ?? ''}`,
        }
    }

    const phase = status.phase ?? ''
    if (phase === '' || phase === 'SnapshotInProgress') {
      if (source && !snapshotName) {
        const problem = this.#unsnapshottable(source)
        if (problem) return { pending: problem }
        const snapName = `tmp-snapshot-${clone.metadata.uid ?? ''}`
        if (!store.peek(snapDef, namespace, snapName))
          await store.create(snapDef, {
            apiVersion: 'snapshot.kubevirt.io/v1beta1',
            kind: 'VirtualMachineSnapshot',
            metadata: {
              name: snapName,
              namespace,
              ownerReferences: [
                controllerRef(clone, 'clone.kubevirt.io/v1beta1', 'VirtualMachineClone'),
              ],
            },
            spec: {
              source: {
                apiGroup: 'kubevirt.io',
                kind: 'VirtualMachine',
                name: source.metadata.name,
              },
            },
          })
        this.#event(
          clone,
          'SnapshotCreated',
          `created snapshot ${snapName} for clone ${clone.metadata.name ?? ''}`,
        )
        return { snapshotName: snapName }
      }
      const snapshot = store.peek(snapDef, namespace, snapshotName ?? '')
      if (!snapshot) return sync
      if ((snapshot.status as { readyToUse?: boolean } | undefined)?.readyToUse !== true)
        return sync
      const notBackedUp = this.#volumesNotBackedUp(snapshot)
      if (notBackedUp) return { failing: notBackedUp }
      sync.snapshotReady = true
    }
    if (phase === '' || phase === 'SnapshotInProgress' || phase === 'RestoreInProgress') {
      if (!status.restoreName) {
        const snapshot = store.peek(snapDef, namespace, snapshotName ?? '')
        const vm = snapshot && this.#vmOfSnapshot(snapshot)
        if (!vm)
          return { ...sync, failing: `snapshot ${snapshotName ?? ''} does not exist anymore` }
        const restoreName = `tmp-restore-${clone.metadata.uid ?? ''}`
        if (!store.peek(restoreDef, namespace, restoreName))
          await store.create(restoreDef, {
            apiVersion: 'snapshot.kubevirt.io/v1beta1',
            kind: 'VirtualMachineRestore',
            metadata: {
              name: restoreName,
              namespace,
              ownerReferences: [
                controllerRef(clone, 'clone.kubevirt.io/v1beta1', 'VirtualMachineClone'),
              ],
            },
            spec: {
              target: {
                apiGroup: 'kubevirt.io',
                kind: 'VirtualMachine',
                name: spec.target?.name ?? `${vm.metadata.name ?? ''}-clone-${randomSuffix()}`,
              },
              virtualMachineSnapshotName: snapshotName,
              patches: [...identityPatches(vm, spec), ...(spec.patches ?? [])],
              ...(spec.volumeNamePolicy
                ? {
                    volumeRestorePolicy:
                      spec.volumeNamePolicy === 'PrefixTargetName'
                        ? 'PrefixTargetName'
                        : 'RandomizeNames',
                  }
                : {}),
            },
          })
        this.#event(
          clone,
          'RestoreCreated',
          `created restore ${restoreName} for clone ${clone.metadata.name ?? ''}`,
        )
        return { ...sync, restoreName }
      }
      const restore = store.peek(restoreDef, namespace, status.restoreName)
      if (!restore) return sync
      const restoreStatus = (restore.status ?? {}) as {
        complete?: boolean
        conditions?: Condition[]
      }
      const failed = restoreStatus.conditions?.find(
        (c) => c.type === 'Failure' && c.status === 'True',
      )
      if (failed) return { ...sync, failing: failed.reason ?? 'restore failed' }
      if (!restoreStatus.complete) return sync
      sync.restoreReady = true
      sync.targetName = (restore.spec as { target?: { name?: string } }).target?.name
    }
    const targetName = sync.targetName ?? status.targetName ?? spec.target?.name ?? ''
    if (!store.peek(defs.vm, namespace, targetName)) return sync
    sync.targetName = targetName
    sync.targetCreated = true
    if (status.restoreName) {
      const restore = store.peek(restoreDef, namespace, status.restoreName)
      const claims =
        ((restore?.status ?? {}) as { restores?: { persistentVolumeClaim: string }[] }).restores ??
        []
      const pvcDef = this.#sc.defs.pvc
      if (
        pvcDef &&
        claims.some(
          (c) => pvcPhase(store.peek(pvcDef, namespace, c.persistentVolumeClaim)) !== 'Bound',
        )
      )
        return sync
      sync.pvcBound = true
      if (restore) await store.delete(restoreDef, namespace, status.restoreName)
      if (
        sourceKind === 'VirtualMachine' &&
        status.snapshotName &&
        store.peek(snapDef, namespace, status.snapshotName)
      )
        await store.delete(snapDef, namespace, status.snapshotName)
    }
    return sync
  }

  /** clone.go updateStatus: phases advance as far as this pass got. */
  #updateStatus(clone: KObject, status: CloneStatus, sync: Sync): void {
    const conditions = (progressing: Condition, ready: Condition) => {
      status.conditions = setCondition(setCondition(status.conditions ?? [], progressing), ready)
    }
    if (sync.pending) {
      this.#event(clone, 'SourceDoesNotExist', sync.pending)
      conditions(
        { type: 'Progressing', status: 'False', reason: 'Pending' },
        { type: 'Ready', status: 'False', reason: sync.pending },
      )
    } else if (sync.failing) {
      this.#event(clone, 'CloneFailed', sync.failing)
      status.phase = 'Failed'
      conditions(
        { type: 'Progressing', status: 'False', reason: 'Failed' },
        { type: 'Ready', status: 'False', reason: sync.failing },
      )
      return
    } else
      conditions(
        { type: 'Progressing', status: 'True', reason: 'Still processing' },
        { type: 'Ready', status: 'False', reason: 'Still processing' },
      )
    if (!status.phase && !sync.pending) {
      status.phase = 'SnapshotInProgress'
      status.creationTime ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    }
    if (status.phase === 'SnapshotInProgress') {
      if (sync.snapshotName) status.snapshotName = sync.snapshotName
      if (sync.snapshotReady) status.phase = 'RestoreInProgress'
    }
    if (status.phase === 'RestoreInProgress') {
      if (sync.restoreName) status.restoreName = sync.restoreName
      if (sync.restoreReady) status.phase = 'CreatingTargetVM'
    }
    if (status.phase === 'CreatingTargetVM') {
      if (sync.targetName) status.targetName = sync.targetName
      if (sync.targetCreated) status.phase = 'Succeeded'
    }
    if (status.phase === 'Succeeded')
      conditions(
        { type: 'Progressing', status: 'False', reason: 'Ready' },
        { type: 'Ready', status: 'True', reason: 'Ready' },
      )
    if (sync.pvcBound) {
      delete status.snapshotName
      delete status.restoreName
    }
  }

  /**
   * clone.go validateVolumeSnapshotStatus: every claim-backed volume must be snapshottable.
   * KubeVirt reads it from the VM's status.volumeSnapshotStatuses; the simulator asks the same
   * question of the StorageClasses directly.
   */
  #unsnapshottable(vm: KObject): string | undefined {
    const pvcDef = this.#sc.defs.pvc
    const problems: string[] = []
    for (const volume of vmVolumes(vm)) {
      const claim = claimOf(volume)
      if (!claim) continue
      const pvc = pvcDef && this.#sc.ctx.store.peek(pvcDef, vm.metadata.namespace, claim)
      if (!pvc) problems.push(`Volume snapshot support for volume ${volume.name} is unknown`)
      else if (!snapshotClassFor(this.#sc, pvcSpec(pvc).storageClassName))
        problems.push(`volume ${volume.name} is not snapshotable`)
    }
    return problems.length ? problems.join('\n') : undefined
  }

  /** clone.go verifySnapshotContent: every claim-backed volume has a backup. */
  #volumesNotBackedUp(snapshot: KObject): string | undefined {
    const contentDef = this.#sc.defs.content
    if (!contentDef) return undefined
    const content = this.#sc.ctx.store.peek(
      contentDef,
      snapshot.metadata.namespace,
      `vmsnapshot-content-${snapshot.metadata.uid ?? ''}`,
    )
    const spec = content?.spec as
      | { source?: { virtualMachine?: KObject }; volumeBackups?: { volumeName: string }[] }
      | undefined
    const backups = new Set((spec?.volumeBackups ?? []).map((b) => b.volumeName))
    const missing = vmVolumes(spec?.source?.virtualMachine)
      .filter((v) => claimOf(v) && !backups.has(v.name))
      .map((v) => `volume ${v.name} is not backed up in snapshot ${snapshot.metadata.name ?? ''}`)
    return missing.length ? missing.join('\n') : undefined
  }

  #vmOfSnapshot(snapshot: KObject): KObject | undefined {
    const contentDef = this.#sc.defs.content
    const contentName = (
      snapshot.status as { virtualMachineSnapshotContentName?: string } | undefined
    )?.virtualMachineSnapshotContentName
    if (!contentDef || !contentName) return undefined
    const content = this.#sc.ctx.store.peek(contentDef, snapshot.metadata.namespace, contentName)
    return (content?.spec as { source?: { virtualMachine?: KObject } } | undefined)?.source
      ?.virtualMachine
  }

  #event(clone: KObject, reason: string, message: string): void {
    this.#sc.ctx.events.record(clone, 'Normal', reason, message, 'clone-controller')
  }
}

/**
 * The restore patches that make the copy a machine of its own (vm-target.go generatePatches):
 * new MAC addresses (or none, for the pool to assign), the SMBIOS serial, the label and
 * annotation filters, a new firmware UUID. KubeVirt replaces a MAC or serial with "" to clear
 * it and blanks the UUID for the VM controller to fill; the simulator removes what it clears and
 * sets a fresh UUID at once, which leaves the same VM.
 */
function identityPatches(vm: KObject, spec: CloneSpec): string[] {
  const vmSpec = vm.spec as SourceVmSpec
  const domain = vmSpec.template?.spec?.domain
  const patches: object[] = []
  const base = '/spec/template/spec/domain'
  ;(domain?.devices?.interfaces ?? []).forEach((iface, i) => {
    const path = `${base}/devices/interfaces/${i}/macAddress`
    const mac = spec.newMacAddresses?.[iface.name]
    if (mac) patches.push({ op: 'replace', path, value: mac })
    else if (iface.macAddress !== undefined) patches.push({ op: 'remove', path })
  })
  if (spec.newSMBiosSerial)
    patches.push({ op: 'replace', path: `${base}/firmware/serial`, value: spec.newSMBiosSerial })
  else if (domain?.firmware?.serial !== undefined)
    patches.push({ op: 'remove', path: `${base}/firmware/serial` })
  const annotations = { ...vm.metadata.annotations }
  delete annotations['restore.kubevirt.io/lastRestoreUID']
  patches.push(
    ...removals(vm.metadata.labels, spec.labelFilters, '/metadata/labels'),
    ...removals(annotations, spec.annotationFilters, '/metadata/annotations'),
    ...removals(
      vmSpec.template?.metadata?.labels,
      spec.template?.labelFilters,
      '/spec/template/metadata/labels',
    ),
    ...removals(
      vmSpec.template?.metadata?.annotations,
      spec.template?.annotationFilters,
      '/spec/template/metadata/annotations',
    ),
  )
  if (domain)
    patches.push({
      op: domain.firmware ? 'replace' : 'add',
      path: domain.firmware ? `${base}/firmware/uuid` : `${base}/firmware`,
      value: domain.firmware ? randomUUID() : { uuid: randomUUID() },
    })
  return patches.map((p) => JSON.stringify(p))
}

const removals = (
  map: Record<string, string> | undefined,
  filters: string[] | undefined,
  base: string,
): object[] => {
  if (!map || !filters) return []
  const kept = filterKeys(map, filters)
  return Object.keys(map)
    .filter((key) => !(key in kept))
    .map((key) => ({
      op: 'remove',
      path: `${base}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
    }))
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
