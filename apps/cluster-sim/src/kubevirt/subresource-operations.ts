// What virt-api's subresource handlers do to the cluster (docs/KUBEVIRT-NOTES.md#run-strategy,
// kubevirt v1.9.0 `pkg/virt-api/rest/*.go`): start/stop/restart/migrate change a VM's run strategy
// or its `status.stateChangeRequests`; pause/unpause/reset/softreboot/freeze and the guest-agent
// reads act on the VMI's guest as virt-handler would. Reads come from the informer cache; writes go
// to kube-apiserver as virt-api makes them (JSON patches guarded by what was read).
import { guestAgentInfo } from '../virt-handler/guest-agent-info.ts'
import { screendump } from '../guest/screendump.ts'
import type { Registry, ResourceDef } from '../kube/registry.ts'
import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import type { KubevirtContext } from '../controllers/context.ts'
import type { PatchOperation } from '../controllers/json-patch.ts'
import {
  findInstancetype,
  runStrategyOf,
  type StateChangeRequest,
  type VmStatus,
} from '../controllers/vm-controller.ts'
import { denialError, mutateMigrationCreate, validateMigrationCreate } from './admission.ts'
import type { EventRecorder } from './events.ts'
import type { GuestRuntime } from './guest-runtime.ts'
import { conditionOf, isFinal, phaseOf } from './k8s-util.ts'

/** What the handlers need of the simulator's KubeVirt (a `KubevirtContext` is one). */
export interface SubresourceContext {
  registry: Registry
  store: KubevirtContext['store']
  defs: Pick<KubevirtContext['defs'], 'vm' | 'vmi' | 'vmim'>
  runtime: Pick<GuestRuntime, 'pause' | 'resume' | 'reset' | 'state'>
  events: Pick<EventRecorder, 'record'>
}

/** virt-api's own identity, as the migration webhook sees the migrations `PUT …/migrate` makes. */
const VIRT_API_USER = 'system:serviceaccount:kubevirt:kubevirt-apiserver'

const vmDetails = (name: string) => ({ name, group: 'kubevirt.io', kind: 'virtualmachine' })
const vmiDetails = (name: string) => ({
  name,
  group: 'kubevirt.io',
  kind: 'virtualmachineinstance',
})
const conflictVm = (name: string, why: string) =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on virtualmachine.kubevirt.io "${name}": ${why}`,
    vmDetails(name),
  )
const conflictVmi = (name: string, why: string) =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${name}": ${why}`,
    vmiDetails(name),
  )
const badRequestOn = (kind: 'vm' | 'vmi', name: string, why: string) =>
  new StatusError(400, 'BadRequest', why, kind === 'vm' ? vmDetails(name) : vmiDetails(name))
const internal = (name: string, why: string, kind: 'vm' | 'vmi' = 'vm') =>
  new StatusError(
    500,
    'InternalError',
    `Internal error occurred: ${why}`,
    kind === 'vm' ? vmDetails(name) : vmiDetails(name),
  )

export class SubresourceOperations {
  readonly #ctx: SubresourceContext
  readonly #namespace: string
  readonly #name: string

  constructor(ctx: SubresourceContext, namespace: string, name: string) {
    this.#ctx = ctx
    this.#namespace = namespace
    this.#name = name
  }

  vm(): KObject {
    const vm = this.#ctx.store.peek(this.#ctx.defs.vm, this.#namespace, this.#name)
    if (!vm) throw this.#vmNotFound()
    return structuredClone(vm)
  }

  #vmNotFound(): StatusError {
    return new StatusError(
      404,
      'NotFound',
      `virtualmachine.kubevirt.io "${this.#name}" not found`,
      vmDetails(this.#name),
    )
  }

  /**
   * The VM and its VMI as the run-strategy handlers read them: fresh from kube-apiserver, as
   * virt-api's `fetchVirtualMachine` and its VMI GET do, so the JSON patch they guard with a
   * `test` is made against what is stored, not a cache a moment behind.
   */
  async #fetchVmAndVmi(): Promise<{ vm: KObject; vmi: KObject | undefined }> {
    const read = async (def: ResourceDef) => {
      try {
        return await this.#ctx.store.read(def, this.#namespace, this.#name)
      } catch (error) {
        if (error instanceof StatusError && error.code === 404) return undefined
        throw error
      }
    }
    const [vm, vmi] = await Promise.all([read(this.#ctx.defs.vm), read(this.#ctx.defs.vmi)])
    if (!vm) throw this.#vmNotFound()
    return { vm, vmi }
  }

  vmi(kind: 'vm' | 'vmi' = 'vmi'): KObject | undefined {
    const vmi = this.#ctx.store.peek(this.#ctx.defs.vmi, this.#namespace, this.#name)
    if (!vmi && kind === 'vmi')
      throw new StatusError(
        404,
        'NotFound',
        `virtualmachineinstance.kubevirt.io "${this.#name}" not found`,
        vmiDetails(this.#name),
      )
    return vmi ? structuredClone(vmi) : undefined
  }

  /**
   * Writes `status.stateChangeRequests` as virt-api's `getChangeRequestJson` does: a JSON patch
   * guarded by a `test` of the requests it read, so a concurrent request loses with 409.
   */
  async #requests(vm: KObject, requests: StateChangeRequest[], dryRun: boolean): Promise<void> {
    const status = (vm.status ?? {}) as VmStatus
    const current = status.stateChangeRequests ?? []
    const ops: PatchOperation[] = []
    if (Object.keys(status).length === 0)
      ops.push({ op: 'add', path: '/status', value: { stateChangeRequests: requests } })
    else {
      ops.push({
        op: 'test',
        path: '/status/stateChangeRequests',
        value: status.stateChangeRequests ?? null,
      })
      if (current.length === 0)
        ops.push({ op: 'add', path: '/status/stateChangeRequests', value: requests })
      else if (requests.length === 1 && requests[0]?.action === 'Stop')
        ops.push({ op: 'replace', path: '/status/stateChangeRequests', value: requests })
      else throw internal(this.#name, 'unable to complete request: stop/start already underway')
    }
    if (status.startFailure) ops.push({ op: 'remove', path: '/status/startFailure' })
    if (dryRun) return
    await this.#patch(this.#ctx.defs.vm, ops, 'status')
  }

  /** virt-api's `getRunningPatch`: the run strategy (or `running`) replaced if still as read. */
  async #setStrategy(vm: KObject, running: boolean, dryRun: boolean): Promise<void> {
    const spec = vm.spec as { running?: boolean; runStrategy?: string }
    const [path, value] =
      spec.runStrategy === undefined && spec.running !== undefined
        ? ['/spec/running', running]
        : ['/spec/runStrategy', running ? 'Always' : 'Halted']
    const read = path === '/spec/running' ? spec.running : spec.runStrategy
    if (dryRun) return
    await this.#patch(this.#ctx.defs.vm, [
      { op: 'test', path, value: read ?? null },
      { op: 'replace', path, value },
    ])
  }

  /**
   * A JSON patch of this VM or VMI. As virt-api: a failed `test` (someone changed what was
   * read) is a 409 Conflict, any other failure a 500 InternalError.
   */
  async #patch(def: ResourceDef, ops: PatchOperation[], subresource?: 'status'): Promise<void> {
    try {
      await this.#ctx.store.patch(def, this.#namespace, this.#name, ops, {
        type: 'json',
        ...(subresource ? { subresource } : {}),
      })
    } catch (error) {
      if (!(error instanceof StatusError)) throw error
      const kind = def === this.#ctx.defs.vm ? 'vm' : 'vmi'
      if (/test operation does not apply|testing value .* failed/i.test(error.message))
        throw kind === 'vm'
          ? conflictVm(this.#name, error.message)
          : conflictVmi(this.#name, error.message)
      throw internal(this.#name, error.message, kind)
    }
  }

  async start(body: Record<string, unknown>, dryRun: boolean): Promise<void> {
    const { vm, vmi } = await this.#fetchVmAndVmi()
    const strategy = runStrategyOf(vm)
    const live = vmi && !isFinal(vmi)
    const paused = body.paused === true
    switch (strategy) {
      case 'Always':
      case 'Once':
        if (live) throw conflictVm(this.#name, 'VM is already running')
        throw conflictVm(this.#name, `${strategy} does not support manual start requests`)
      case 'Halted':
        if (live) throw conflictVm(this.#name, 'VM is already running')
        if (paused)
          return this.#requests(vm, [{ action: 'Start', data: { paused: 'true' } }], dryRun)
        return this.#setStrategy(vm, true, dryRun)
      case 'RerunOnFailure':
        if (vmi && phaseOf(vmi) === 'Failed')
          throw conflictVm(
            this.#name,
            'RerunOnFailure does not support starting VM from failed state',
          )
        if (live) throw conflictVm(this.#name, 'VM is already running')
        break
      default:
        if (live) throw conflictVm(this.#name, 'VM is already running')
    }
    const start: StateChangeRequest = paused
      ? { action: 'Start', data: { paused: 'true' } }
      : { action: 'Start' }
    await this.#requests(
      vm,
      vmi && isFinal(vmi) ? [{ action: 'Stop', uid: vmi.metadata.uid ?? '' }, start] : [start],
      dryRun,
    )
  }

  async stop(body: Record<string, unknown>, dryRun: boolean): Promise<void> {
    const { vm, vmi } = await this.#fetchVmAndVmi()
    const strategy = runStrategyOf(vm)
    const live = vmi && !isFinal(vmi)
    const grace = typeof body.gracePeriod === 'number' ? body.gracePeriod : undefined
    if (grace !== undefined && live && vmi) await this.#forceGrace(vmi, grace, dryRun)
    switch (strategy) {
      case 'Halted': {
        const current =
          (vmi?.spec as { terminationGracePeriodSeconds?: number } | undefined)
            ?.terminationGracePeriodSeconds ?? 180
        if (!live) throw conflictVm(this.#name, 'VM is not running')
        if (grace === undefined || grace >= current)
          throw conflictVm(
            this.#name,
            'Halted only supports manual stop requests with a shorter graceperiod',
          )
        return this.#requests(vm, [{ action: 'Stop', uid: vmi?.metadata.uid ?? '' }], dryRun)
      }
      case 'Always':
      case 'Once':
        return this.#setStrategy(vm, false, dryRun)
      default:
        if (!live) throw conflictVm(this.#name, 'VM is not running')
        return this.#requests(vm, [{ action: 'Stop', uid: vmi?.metadata.uid ?? '' }], dryRun)
    }
  }

  /** `stop --grace-period` / force restart: the VMI's grace period is patched first. */
  async #forceGrace(vmi: KObject, grace: number, dryRun: boolean): Promise<void> {
    if (dryRun) return
    const read = (vmi.spec as { terminationGracePeriodSeconds?: number })
      .terminationGracePeriodSeconds
    await this.#patch(this.#ctx.defs.vmi, [
      { op: 'test', path: '/spec/terminationGracePeriodSeconds', value: read ?? null },
      { op: 'replace', path: '/spec/terminationGracePeriodSeconds', value: grace },
    ])
  }

  async restart(body: Record<string, unknown>, dryRun: boolean): Promise<void> {
    const grace = body.gracePeriodSeconds
    if (typeof grace === 'number') {
      if (grace < 0)
        throw badRequestOn('vm', this.#name, 'gracePeriod has to be greater or equal to 0')
      if (grace > 0)
        throw badRequestOn(
          'vm',
          this.#name,
          'For force restart, only gracePeriod=0 is supported for now',
        )
    }
    const { vm, vmi } = await this.#fetchVmAndVmi()
    const strategy = runStrategyOf(vm)
    if (strategy === 'Halted' || strategy === 'Once')
      throw conflictVm(
        this.#name,
        `RunStategy ${strategy} does not support manual restart requests`,
      )
    if (!vmi) throw conflictVm(this.#name, 'VM is not running: Halted')
    if (grace === 0 && !isFinal(vmi)) await this.#forceGrace(vmi, 1, dryRun)
    await this.#requests(
      vm,
      [{ action: 'Stop', uid: vmi.metadata.uid ?? '' }, { action: 'Start' }],
      dryRun,
    )
  }

  /**
   * Creates a VirtualMachineInstanceMigration; a refusal of the migration webhook is relayed as
   * virt-api does, a 500 InternalError carrying the webhook's message.
   */
  async migrate(body: Record<string, unknown>, dryRun: boolean): Promise<void> {
    const { vmi } = await this.#fetchVmAndVmi()
    if (!vmi)
      throw new StatusError(
        404,
        'NotFound',
        `virtualmachineinstance.kubevirt.io "${this.#name}" not found`,
        vmiDetails(this.#name),
      )
    if (phaseOf(vmi) !== 'Running') throw conflictVm(this.#name, 'VM is not running')
    const migration: KObject = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceMigration',
      metadata: { generateName: 'kubevirt-migrate-vm-', namespace: this.#namespace },
      spec: {
        vmiName: this.#name,
        ...(body.addedNodeSelector ? { addedNodeSelector: body.addedNodeSelector } : {}),
      },
    }
    if (dryRun) {
      // A dry-run create goes through admission but stores nothing: the webhooks' rules alone.
      const denial = validateMigrationCreate(this.#ctx, {
        operation: 'CREATE',
        object: mutateMigrationCreate(migration),
        username: VIRT_API_USER,
      })
      if (denial) throw internal(this.#name, denialError(denial).message)
      return
    }
    try {
      // kube-apiserver runs virt-api's migration webhooks on it; a refusal is relayed as a 500.
      await this.#ctx.store.create(this.#ctx.defs.vmim, migration)
    } catch (error) {
      if (error instanceof StatusError && error.code < 500)
        throw internal(this.#name, error.message)
      throw error
    }
  }

  #runningVmi(why = 'VMI is not running'): KObject {
    const vmi = this.vmi()
    if (!vmi || phaseOf(vmi) !== 'Running') throw conflictVmi(this.#name, why)
    return vmi
  }

  async pause(dryRun: boolean): Promise<void> {
    const vmi = this.vmi()
    if (!vmi || phaseOf(vmi) !== 'Running') throw conflictVmi(this.#name, 'VM is not running')
    if (conditionOf(vmi, 'Paused')?.status === 'True')
      throw conflictVmi(this.#name, 'VMI is already paused')
    if (dryRun) return
    await this.#ctx.runtime.pause(vmi.metadata.uid ?? '')
    this.#ctx.events.record(
      vmi,
      'Normal',
      'Paused',
      'VirtualMachineInstance paused',
      'virt-handler',
    )
    await this.#settled(vmi, (v) => conditionOf(v, 'Paused')?.status === 'True')
  }

  async unpause(dryRun: boolean): Promise<void> {
    const vm = this.#ctx.store.peek(this.#ctx.defs.vm, this.#namespace, this.#name)
    if ((vm?.status as VmStatus | undefined)?.snapshotInProgress)
      throw conflictVmi(this.#name, 'VM snapshot is in progress')
    const vmi = this.#runningVmi()
    if (conditionOf(vmi, 'Paused')?.status !== 'True')
      throw conflictVmi(this.#name, 'VMI is not paused')
    if (dryRun) return
    await this.#ctx.runtime.resume(vmi.metadata.uid ?? '')
    this.#ctx.events.record(
      vmi,
      'Normal',
      'Resumed',
      'VirtualMachineInstance unpaused',
      'virt-handler',
    )
    await this.#settled(vmi, (v) => conditionOf(v, 'Paused') === undefined)
  }

  async reset(dryRun: boolean): Promise<void> {
    const vmi = this.vmi()
    const phase = phaseOf(vmi)
    if (!vmi || (phase !== 'Running' && phase !== 'Scheduled'))
      throw badRequestOn(
        'vmi',
        this.#name,
        `Failed to reset non-running VMI with phase ${phase}: VMI is not running`,
      )
    if (dryRun) return
    await this.#ctx.runtime.reset(vmi.metadata.uid ?? '')
    this.#ctx.events.record(vmi, 'Normal', 'Reset', 'VirtualMachineInstance reset', 'virt-handler')
  }

  async softreboot(dryRun: boolean): Promise<void> {
    const vmi = this.vmi()
    if (!vmi || phaseOf(vmi) !== 'Running') throw conflictVmi(this.#name, 'VM is not running')
    if (conditionOf(vmi, 'Paused')?.status === 'True')
      throw conflictVmi(this.#name, 'VMI is paused')
    if (dryRun) return
    // With ACPI (the default), a soft reboot is a guest-initiated reboot; the tiny guest resets.
    await this.#ctx.runtime.reset(vmi.metadata.uid ?? '')
  }

  /** `vnc/screenshot`: a PNG of the guest's display. */
  async screenshot(): Promise<Buffer> {
    const vmi = this.vmi()
    if (!vmi || phaseOf(vmi) !== 'Running')
      throw badRequestOn('vmi', this.#name, 'Unable to get a screenshot: VMI is not running')
    const guest = this.#ctx.runtime.state(vmi.metadata.uid ?? '')?.guest
    if (!guest?.running)
      throw internal(this.#name, 'no display: the VMI has no graphics device', 'vmi')
    return screendump(guest)
  }

  /** The VM with its instancetype's CPU and memory written into the template. */
  expandSpec(): KObject {
    const vm = this.vm()
    const spec = vm.spec as {
      instancetype?: { name: string; kind?: string }
      preference?: { name: string; kind?: string }
      template?: { spec?: { domain?: Record<string, unknown> } }
    }
    if (spec.instancetype) {
      const it = findInstancetype(this.#ctx, this.#namespace, spec.instancetype)
      if (!it)
        throw internal(
          this.#name,
          `virtualmachineclusterinstancetypes.instancetype.kubevirt.io "${spec.instancetype.name}" not found`,
        )
      const itSpec = it.spec as { cpu?: { guest?: number }; memory?: { guest?: string } }
      spec.template ??= {}
      spec.template.spec ??= {}
      const domain = (spec.template.spec.domain ??= {})
      if (itSpec.cpu?.guest) domain.cpu = { sockets: itSpec.cpu.guest, cores: 1, threads: 1 }
      if (itSpec.memory?.guest) domain.memory = { guest: itSpec.memory.guest }
      delete spec.instancetype
    }
    delete spec.preference
    return vm
  }

  /** fsfreeze through the guest agent: `status.fsFreezeStatus` is "frozen" until unfrozen. */
  async freeze(frozen: boolean, dryRun: boolean): Promise<void> {
    const vmi = this.#runningVmi()
    if (dryRun) return
    const status = vmi.status as { fsFreezeStatus?: string }
    if (frozen) status.fsFreezeStatus = 'frozen'
    else delete status.fsFreezeStatus
    await this.#ctx.store.update(this.#ctx.defs.vmi, vmi)
  }

  guestAgent(which: string): Record<string, unknown> | string {
    const vmi = this.#ctx.store.peek(this.#ctx.defs.vmi, this.#namespace, this.#name)
    if (!vmi) return `virtualmachineinstance.kubevirt.io "${this.#name}" not found`
    if (phaseOf(vmi) !== 'Running')
      return `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${this.#name}": VMI is not running`
    if (conditionOf(vmi, 'AgentConnected')?.status !== 'True')
      return `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${this.#name}": VMI does not have guest agent connected`
    return guestAgentInfo(which, vmi)
  }

  /** virt-api answers once virt-handler did it; the VMI's condition follows right after. */
  async #settled(vmi: KObject, done: (v: KObject) => boolean): Promise<void> {
    const { store, defs } = this.#ctx
    const current = store.peek(defs.vmi, this.#namespace, this.#name)
    if (!current || current.metadata.uid !== vmi.metadata.uid || done(current)) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => finish(), 5000)
      const finish = () => {
        clearTimeout(timer)
        stop()
        resolve()
      }
      const stop = store.watch(defs.vmi, store.revision, (event) => {
        if (event.object.metadata.uid !== vmi.metadata.uid) return
        if (event.type === 'DELETED' || done(event.object)) queueMicrotask(finish)
      })
    })
  }
}
