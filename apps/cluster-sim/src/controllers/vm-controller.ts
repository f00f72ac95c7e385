// The VirtualMachine controller (virt-controller's vm.go in miniature): runStrategy and the
// deprecated `running`, `status.stateChangeRequests`, start-failure back-off, and the status users
// see (`printableStatus` by the ordered predicates of docs/KUBEVIRT-NOTES.md#vm-status,
// created/ready, conditions copied from the VMI).
import type { KObject } from '../kube/types.ts'
import {
  type Condition,
  conditionOf,
  isFinal,
  now,
  phaseOf,
  setCondition,
  splitKey,
  uuidFrom,
} from '../kubevirt/k8s-util.ts'
import type { KubevirtContext } from './context.ts'
import { statusOf } from './vmi-controller.ts'

export const VM_FINALIZER = 'kubevirt.io/virtualMachineControllerFinalize'
const CONTROLLER = 'virtualmachine-controller'

export interface StateChangeRequest {
  action: 'Start' | 'Stop'
  uid?: string
  data?: Record<string, string>
}

export interface VmStatus {
  printableStatus?: string
  created?: boolean
  ready?: boolean
  conditions?: Condition[]
  stateChangeRequests?: StateChangeRequest[]
  startFailure?: {
    consecutiveFailCount: number
    lastFailedVMIUID?: string
    retryAfterTimestamp?: string
  }
  runStrategy?: string
  observedGeneration?: number
  desiredGeneration?: number
  snapshotInProgress?: string
  restoreInProgress?: string
  [field: string]: unknown
}

interface VmSpec {
  running?: boolean
  runStrategy?: string
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }
    spec?: Record<string, unknown>
  }
  instancetype?: { name: string; kind?: string }
  preference?: { name: string; kind?: string }
  dataVolumeTemplates?: { metadata?: { name?: string } }[]
}

/** `VirtualMachine.RunStrategy()`: running true ⇒ Always, false or unset ⇒ Halted. */
export function runStrategyOf(vm: KObject): string {
  const spec = (vm.spec ?? {}) as VmSpec
  if (spec.runStrategy) return spec.runStrategy
  return spec.running === true ? 'Always' : 'Halted'
}

const backoffSeconds = (failures: number) => Math.min(300, 10 * failures * failures)

export class VmController {
  readonly #ctx: KubevirtContext
  readonly #timers = new Map<string, NodeJS.Timeout>()

  constructor(ctx: KubevirtContext) {
    this.#ctx = ctx
  }

  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
  }

  async reconcile(key: string): Promise<void> {
    const [namespace, name] = splitKey(key)
    const { store, defs } = this.#ctx
    const stored = store.peek(defs.vm, namespace, name)
    let vmi = store.peek(defs.vmi, namespace, name)
    if (!stored) {
      // VM gone: its VMI goes too (ownerReference garbage collection).
      if (
        vmi &&
        vmi.metadata.ownerReferences?.some((o) => o.kind === 'VirtualMachine') &&
        !vmi.metadata.deletionTimestamp
      )
        await store.delete(defs.vmi, namespace, name)
      return
    }
    const vm = structuredClone(stored)
    if (vmi && !vmi.metadata.ownerReferences?.some((o) => o.uid === vm.metadata.uid))
      vmi = undefined
    const status = (vm.status ?? {}) as VmStatus
    const strategy = runStrategyOf(vm)

    if (vm.metadata.deletionTimestamp) {
      if (vmi && !vmi.metadata.deletionTimestamp) await this.#deleteVmi(vm, vmi)
      if (!vmi) {
        vm.metadata.finalizers = (vm.metadata.finalizers ?? []).filter((f) => f !== VM_FINALIZER)
        await store.update(defs.vm, vm)
        return
      }
      await this.#writeStatus(vm, vmi, strategy)
      return
    }
    if (!(vm.metadata.finalizers ?? []).includes(VM_FINALIZER)) {
      vm.metadata.finalizers = [...(vm.metadata.finalizers ?? []), VM_FINALIZER]
      await store.update(defs.vm, vm)
      return // the write brings us back
    }

    // A VMI that failed before it ever ran counts as a start failure (for the back-off).
    if (
      vmi &&
      phaseOf(vmi) === 'Failed' &&
      status.startFailure?.lastFailedVMIUID !== vmi.metadata.uid
    ) {
      const ran = (statusOf(structuredClone(vmi)).phaseTransitionTimestamps ?? []).some(
        (p) => p.phase === 'Running',
      )
      if (!ran && ['Always', 'RerunOnFailure', 'Once'].includes(strategy)) {
        const count = (status.startFailure?.consecutiveFailCount ?? 0) + 1
        status.startFailure = {
          consecutiveFailCount: count,
          lastFailedVMIUID: vmi.metadata.uid ?? '',
          retryAfterTimestamp: new Date(Date.now() + backoffSeconds(count) * 1000)
            .toISOString()
            .replace(/\.\d+Z$/, 'Z'),
        }
        vm.status = status
        await store.update(defs.vm, vm, { subresource: 'status' })
        return
      }
    }
    if (vmi && phaseOf(vmi) === 'Running' && status.startFailure) {
      delete status.startFailure
      vm.status = status
    }

    await this.#ensureDataVolumes(vm)
    // virt-controller's instancetype sync: a reference that does not resolve is a sync failure
    // (the webhook admits it), reported as the VM's Failure condition; no VMI is created.
    const missing = this.#missingInstancetype(vm)
    if (missing) {
      status.conditions = setCondition(status.conditions ?? [], {
        type: 'Failure',
        status: 'True',
        reason: missing.reason,
        message: missing.message,
      })
      vm.status = status
      await this.#writeStatus(vm, vmi, strategy)
      return
    }
    status.conditions = (status.conditions ?? []).filter(
      (c) => !(c.type === 'Failure' && c.reason?.startsWith('FailedFind')),
    )
    const requests = status.stateChangeRequests ?? []
    const request = requests[0]
    if (request) {
      if (request.action === 'Stop') {
        const target = vmi && (!request.uid || request.uid === vmi.metadata.uid) ? vmi : undefined
        if (target) {
          if (!target.metadata.deletionTimestamp) await this.#deleteVmi(vm, target)
        } else {
          status.stateChangeRequests = requests.slice(1)
        }
      } else {
        if (!vmi) {
          await this.#createVmi(vm, request.data?.paused === 'true')
          status.stateChangeRequests = requests.slice(1)
          if (strategy === 'Halted') {
            // `start --paused` on a Halted VM: the controller flips the strategy itself.
            const spec = vm.spec as VmSpec
            if (spec.running !== undefined) spec.running = true
            else spec.runStrategy = 'Always'
            const updated = await store.update(defs.vm, { ...vm, status: stored.status })
            vm.metadata = updated.metadata
            vm.spec = updated.spec
          }
        } else if (isFinal(vmi)) {
          if (!vmi.metadata.deletionTimestamp) await this.#deleteVmi(vm, vmi)
        } else {
          status.stateChangeRequests = requests.slice(1)
        }
      }
      if (status.stateChangeRequests?.length === 0) delete status.stateChangeRequests
    } else {
      await this.#applyStrategy(vm, vmi, strategy, status)
    }
    vm.status = status
    await this.#writeStatus(vm, store.peek(defs.vmi, namespace, name), strategy)
  }

  async #applyStrategy(
    vm: KObject,
    vmi: KObject | undefined,
    strategy: string,
    status: VmStatus,
  ): Promise<void> {
    const key = `${vm.metadata.namespace}/${vm.metadata.name}`
    const final = isFinal(vmi)
    const deleting = !!vmi?.metadata.deletionTimestamp
    const startIfAllowed = async () => {
      const retryAt = status.startFailure?.retryAfterTimestamp
      if (retryAt && Date.parse(retryAt) > Date.now()) {
        if (!this.#timers.has(key)) {
          const timer = setTimeout(
            () => {
              this.#timers.delete(key)
              this.#ctx.enqueueVm(key)
            },
            Date.parse(retryAt) - Date.now() + 50,
          )
          this.#timers.set(key, timer)
        }
        return
      }
      if (!this.#dataVolumesReady(vm)) return
      await this.#createVmi(vm, false)
    }
    switch (strategy) {
      case 'Always':
        if (!vmi) await startIfAllowed()
        else if (final && !deleting) await this.#deleteVmi(vm, vmi)
        break
      case 'RerunOnFailure':
        if (!vmi) await startIfAllowed()
        else if (phaseOf(vmi) === 'Failed' && !deleting) await this.#deleteVmi(vm, vmi)
        break
      case 'Once':
        if (
          !vmi &&
          !status.created &&
          !(status.stateChangeRequests ?? []).length &&
          status.printableStatus !== 'Stopped'
        )
          await startIfAllowed()
        break
      case 'Halted':
        if (vmi && !deleting) await this.#deleteVmi(vm, vmi)
        break
      default:
      // Manual: only start/stop/restart requests act.
    }
  }

  #missingInstancetype(vm: KObject): { reason: string; message: string } | undefined {
    const spec = vm.spec as VmSpec
    const lookups: [string, { name: string; kind?: string } | undefined, string, string][] = [
      [
        'FailedFindInstancetype',
        spec.instancetype,
        'virtualmachineclusterinstancetypes',
        'virtualmachineinstancetypes',
      ],
      [
        'FailedFindPreference',
        spec.preference,
        'virtualmachineclusterpreferences',
        'virtualmachinepreferences',
      ],
    ]
    for (const [reason, ref, clusterPlural, plural] of lookups) {
      if (!ref) continue
      const cluster = !ref.kind || ref.kind.toLowerCase().startsWith('virtualmachinecluster')
      const which = cluster ? clusterPlural : plural
      const def = this.#ctx.registry.defs.find(
        (d) => d.group === 'instancetype.kubevirt.io' && d.plural === which,
      )
      if (def && !this.#ctx.store.peek(def, cluster ? undefined : vm.metadata.namespace, ref.name))
        return { reason, message: `${which}.instancetype.kubevirt.io "${ref.name}" not found` }
    }
    return undefined
  }

  /** DataVolumes of `spec.dataVolumeTemplates` are created (and owned) by the VM. */
  async #ensureDataVolumes(vm: KObject): Promise<void> {
    const dvDef = this.#ctx.defs.dv
    if (!dvDef) return
    const templates = (vm.spec as { dataVolumeTemplates?: KObject[] }).dataVolumeTemplates ?? []
    for (const template of templates) {
      const name = template.metadata?.name
      if (!name || this.#ctx.store.peek(dvDef, vm.metadata.namespace, name)) continue
      await this.#ctx.store.create(dvDef, {
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataVolume',
        metadata: {
          ...structuredClone(template.metadata),
          name,
          namespace: vm.metadata.namespace,
          ownerReferences: [
            {
              apiVersion: 'kubevirt.io/v1',
              kind: 'VirtualMachine',
              name: vm.metadata.name ?? '',
              uid: vm.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: structuredClone(template.spec),
      })
    }
  }

  #dataVolumesReady(vm: KObject): boolean {
    const dvDef = this.#ctx.defs.dv
    if (!dvDef) return true
    for (const name of this.#dataVolumeNames(vm)) {
      const dv = this.#ctx.store.peek(dvDef, vm.metadata.namespace, name)
      if (!dv || phaseOf(dv) !== 'Succeeded') return false
    }
    return true
  }

  #dataVolumeNames(vm: KObject): string[] {
    const template = (vm.spec as VmSpec).template?.spec as
      { volumes?: { dataVolume?: { name: string } }[] } | undefined
    return (template?.volumes ?? []).flatMap((v) => (v.dataVolume ? [v.dataVolume.name] : []))
  }

  async #createVmi(vm: KObject, paused: boolean): Promise<void> {
    const spec = vm.spec as VmSpec
    const template = structuredClone(spec.template ?? {})
    const vmiSpec = (template.spec ?? {}) as {
      domain?: {
        firmware?: { uuid?: string }
        cpu?: Record<string, number>
        memory?: { guest?: string }
      }
      startStrategy?: string
    }
    vmiSpec.domain ??= {}
    vmiSpec.domain.firmware = {
      ...(vmiSpec.domain.firmware ?? {}),
      uuid:
        vmiSpec.domain.firmware?.uuid ?? uuidFrom(`${vm.metadata.namespace}/${vm.metadata.name}`),
    }
    this.#applyInstancetype(vm, vmiSpec)
    if (paused) vmiSpec.startStrategy = 'Paused'
    const vmi = await this.#ctx.store.create(this.#ctx.defs.vmi, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: {
        name: vm.metadata.name,
        namespace: vm.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: {
          ...(template.metadata?.annotations ?? {}),
          'kubevirt.io/vm-generation': String(vm.metadata.generation ?? 1),
          'kubevirt.io/latest-observed-api-version': 'v1',
          'kubevirt.io/storage-observed-api-version': 'v1',
        },
        ownerReferences: [
          {
            apiVersion: 'kubevirt.io/v1',
            kind: 'VirtualMachine',
            name: vm.metadata.name ?? '',
            uid: vm.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: vmiSpec,
    })
    this.#ctx.events.record(
      vm,
      'Normal',
      'SuccessfulCreate',
      `Started the virtual machine by creating the new virtual machine instance ${vmi.metadata.name}`,
      CONTROLLER,
    )
  }

  /** Instancetype and preference expansion: the VMI gets the instancetype's CPU and memory. */
  #applyInstancetype(
    vm: KObject,
    vmiSpec: { domain?: { cpu?: Record<string, number>; memory?: { guest?: string } } },
  ): void {
    const ref = (vm.spec as VmSpec).instancetype
    if (!ref) return
    const it = findInstancetype(this.#ctx, vm.metadata.namespace ?? '', ref)
    if (!it) return
    const itSpec = it.spec as { cpu?: { guest?: number }; memory?: { guest?: string } }
    vmiSpec.domain ??= {}
    if (itSpec.cpu?.guest) vmiSpec.domain.cpu = { sockets: itSpec.cpu.guest, cores: 1, threads: 1 }
    if (itSpec.memory?.guest) vmiSpec.domain.memory = { guest: itSpec.memory.guest }
  }

  async #deleteVmi(vm: KObject, vmi: KObject): Promise<void> {
    await this.#ctx.store.delete(
      this.#ctx.defs.vmi,
      vmi.metadata.namespace,
      vmi.metadata.name ?? '',
    )
    this.#ctx.events.record(
      vm,
      'Normal',
      'SuccessfulDelete',
      `Stopped the virtual machine by deleting the virtual machine instance ${vmi.metadata.uid}`,
      CONTROLLER,
    )
  }

  async #writeStatus(vm: KObject, vmi: KObject | undefined, strategy: string): Promise<void> {
    const { store, defs } = this.#ctx
    if (vmi && !vmi.metadata.ownerReferences?.some((o) => o.uid === vm.metadata.uid))
      vmi = undefined
    const status = { ...((vm.status ?? {}) as VmStatus) }
    const final = isFinal(vmi)
    status.created = !!vmi && !final
    status.ready = !!vmi && !final && conditionOf(vmi, 'Ready')?.status === 'True'
    status.runStrategy = strategy
    status.desiredGeneration = vm.metadata.generation ?? 1
    status.observedGeneration = vm.metadata.generation ?? 1
    status.printableStatus = this.#printableStatus(vm, vmi, strategy, status)
    const { instancetype, preference } = vm.spec as VmSpec
    if (instancetype)
      status.instancetypeRef = {
        name: instancetype.name,
        kind: instancetype.kind ?? 'VirtualMachineClusterInstancetype',
      }
    else delete status.instancetypeRef
    if (preference)
      status.preferenceRef = {
        name: preference.name,
        kind: preference.kind ?? 'VirtualMachineClusterPreference',
      }
    else delete status.preferenceRef

    // Conditions: Ready mirrors the VMI's; the VMI's other conditions are copied.
    let conditions = (status.conditions ?? []).filter(
      (c) => c.type === 'Failure' || c.type === 'RestartRequired',
    )
    const vmiConditions =
      vmi && !final
        ? ((vmi.status as { conditions?: Condition[] } | undefined)?.conditions ?? [])
        : []
    const old = status.conditions ?? []
    const ready = vmiConditions.find((c) => c.type === 'Ready')
    const readyCondition: Condition =
      !vmi || final
        ? { type: 'Ready', status: 'False', reason: 'VMINotExists', message: 'VMI does not exist' }
        : ready
          ? { ...ready }
          : {
              type: 'Ready',
              status: 'False',
              reason: 'VMIConditionMissing',
              message: 'VMI is missing the Ready condition',
            }
    for (const c of [readyCondition, ...vmiConditions.filter((c) => c.type !== 'Ready')]) {
      const previous = old.find((o) => o.type === c.type)
      conditions = setCondition(previous ? [previous, ...conditions] : conditions, c)
    }
    status.conditions = conditions
    const latest = store.peek(defs.vm, vm.metadata.namespace, vm.metadata.name ?? '')
    if (!latest) return
    if (JSON.stringify(status) === JSON.stringify(latest.status ?? {})) return
    await store.update(defs.vm, { ...latest, status }, { subresource: 'status' })
  }

  #printableStatus(
    vm: KObject,
    vmi: KObject | undefined,
    strategy: string,
    status: VmStatus,
  ): string {
    const final = isFinal(vmi)
    const phase = phaseOf(vmi)
    const requests = status.stateChangeRequests ?? []
    const stopExpected = strategy === 'Halted' || requests.some((r) => r.action === 'Stop')
    const retryAt = status.startFailure?.retryAfterTimestamp
    const backingOff = !!retryAt && Date.parse(retryAt) > Date.now()
    const startExpected =
      requests.some((r) => r.action === 'Start') ||
      (!backingOff &&
        (strategy === 'Always' ||
          (strategy === 'RerunOnFailure' && phaseOf(vmi) !== 'Succeeded') ||
          (strategy === 'Once' && !vmi && status.printableStatus !== 'Stopped' && !status.created)))
    if (vm.metadata.deletionTimestamp) return 'Terminating'
    if (vmi && !final && (vmi.metadata.deletionTimestamp || stopExpected)) return 'Stopping'
    const migration = (vmi?.status as { migrationState?: { completed?: boolean } } | undefined)
      ?.migrationState
    if (vmi && !final && migration && !migration.completed) return 'Migrating'
    if (phase === 'Running' && conditionOf(vmi, 'Paused')?.status === 'True') return 'Paused'
    if (phase === 'Running') return 'Running'
    const dvs = this.#dataVolumeNames(vm)
    const dvDef = this.#ctx.defs.dv
    const dvObjects = dvDef
      ? dvs.map((n) => this.#ctx.store.peek(dvDef, vm.metadata.namespace, n))
      : []
    if (dvObjects.some((dv) => phaseOf(dv) === 'Failed')) return 'DataVolumeError'
    const scheduled = conditionOf(vmi, 'PodScheduled')
    if (vmi && scheduled?.status === 'False' && scheduled.reason === 'Unschedulable')
      return 'ErrorUnschedulable'
    if (startExpected && dvObjects.some((dv) => phaseOf(dv) !== 'Succeeded')) return 'Provisioning'
    if (
      (!vmi && startExpected) ||
      (vmi && ['', 'Pending', 'Scheduling', 'Scheduled'].includes(phase))
    )
      return 'Starting'
    if (
      (final || !vmi) &&
      (status.startFailure?.consecutiveFailCount ?? 0) > 0 &&
      ['Always', 'RerunOnFailure', 'Once'].includes(strategy)
    )
      return 'CrashLoopBackOff'
    if (final || !vmi) return 'Stopped'
    return 'Unknown'
  }
}

export function findInstancetype(
  ctx: Pick<KubevirtContext, 'registry' | 'store'>,
  namespace: string,
  ref: { name: string; kind?: string },
): KObject | undefined {
  const cluster =
    !ref.kind || ref.kind.toLowerCase().startsWith('virtualmachineclusterinstancetype')
  const def = ctx.registry.defs.find(
    (d) =>
      d.group === 'instancetype.kubevirt.io' &&
      d.plural === (cluster ? 'virtualmachineclusterinstancetypes' : 'virtualmachineinstancetypes'),
  )
  if (!def) return undefined
  return ctx.store.peek(def, cluster ? undefined : namespace, ref.name)
}

export { now }
