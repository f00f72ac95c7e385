// virt-api's subresource API (`subresources.kubevirt.io/v1` and the `v1alpha3` alias), API.md
// §2: start/stop/restart/migrate on VMs, pause/unpause/reset/softreboot/guest-agent reads on
// VMIs, with the real success codes (202 vs 200), the real error messages, and RBAC checked as
// virt-api does (SubjectAccessReview on `resource/subresource`, denial = 401 plain text).
// The `vnc` and `console` WebSockets live in console-subresources.ts; `vnc/screenshot` is here.
import { randomUUID } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CustomHandler, RequestContext, Authorizer } from '../apiserver/api-server.ts'
import { readBody, sendJson } from '../apiserver/api-server.ts'
import { StatusError } from '../apiserver/status-error.ts'
import type { KObject } from '../apiserver/types.ts'
import type { KubevirtContext } from '../controllers/context.ts'
import {
  findInstancetype,
  runStrategyOf,
  type StateChangeRequest,
  type VmStatus,
} from '../controllers/vm-controller.ts'
import { conditionOf, isFinal, phaseOf } from './k8s-util.ts'

export type SubresourceAuthorizer = () => Authorizer | undefined

const GROUP = 'subresources.kubevirt.io'
const consoleSubresources = new Set(['vnc', 'console', 'usbredir'])

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

export function subresourceHandler(
  ctx: KubevirtContext,
  authorize?: SubresourceAuthorizer,
): CustomHandler {
  return async (request: RequestContext) => {
    const { path, req, res, url, user } = request
    if (path.group !== GROUP) return false
    // Everything after the name, joined by '/': `vnc/screenshot`, `evacuate/cancel` (API.md §2.4).
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
    const [, , , nsWord, namespace, resource, name, ...rest] = segments
    if (nsWord !== 'namespaces' || !namespace || !resource) {
      if (resource === 'expand-vm-spec') return false
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
    }
    if (
      !name ||
      rest.length === 0 ||
      !['virtualmachines', 'virtualmachineinstances'].includes(resource)
    )
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
    const subresource = rest[0] === 'portforward' ? 'portforward' : rest.join('/')
    if (resource === 'virtualmachineinstances' && consoleSubresources.has(subresource)) return false

    const method = req.method ?? 'GET'
    const verb = method === 'GET' ? 'get' : 'update'
    const check = authorize?.()
    if (check && !check({ user, verb, group: GROUP, resource, subresource, namespace, name })) {
      // virt-api's filter: 401 with the SubjectAccessReview's reason as plain text.
      res.writeHead(401, { 'content-type': 'text/plain' }).end('')
      return true
    }
    const body = method === 'PUT' ? await readOptions(req) : {}
    const dryRun = Array.isArray(body.dryRun) && body.dryRun.includes('All')
    const ops = new Operations(ctx, namespace, name)
    const route = `${method} ${resource}/${subresource}`
    switch (route) {
      case 'PUT virtualmachines/start':
        ops.start(body, dryRun)
        return accepted(res)
      case 'PUT virtualmachines/stop':
        ops.stop(body, dryRun)
        return accepted(res)
      case 'PUT virtualmachines/restart':
        ops.restart(body, dryRun)
        return accepted(res)
      case 'PUT virtualmachines/migrate':
        ops.migrate(body, dryRun)
        return accepted(res)
      case 'GET virtualmachines/expand-spec':
        sendJson(res, 200, ops.expandSpec())
        return true
      case 'PUT virtualmachineinstances/freeze':
      case 'PUT virtualmachineinstances/unfreeze':
        ops.freeze(subresource === 'freeze', dryRun)
        return ok(res)
      case 'PUT virtualmachineinstances/pause':
        await ops.pause(dryRun)
        return ok(res)
      case 'PUT virtualmachineinstances/unpause':
        await ops.unpause(dryRun)
        return ok(res)
      case 'PUT virtualmachineinstances/reset':
        await ops.reset(dryRun)
        return ok(res)
      case 'PUT virtualmachineinstances/softreboot':
        await ops.softreboot(dryRun)
        return ok(res)
      case 'GET virtualmachineinstances/vnc/screenshot': {
        const png = await ops.screenshot()
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png)
        return true
      }
      case 'GET virtualmachineinstances/guestosinfo':
      case 'GET virtualmachineinstances/userlist':
      case 'GET virtualmachineinstances/filesystemlist': {
        const result = ops.guestAgent(subresource)
        if (typeof result === 'string') {
          // httpGetRequestHandler: every failure is a plain-text 500 (API.md §2.1 note).
          res.writeHead(500, { 'content-type': 'text/plain' }).end(result)
          return true
        }
        sendJson(res, 200, result)
        return true
      }
      default:
        throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
    }
  }
}

function accepted(res: RequestContext['res']): true {
  res.writeHead(202, { 'content-length': '0' }).end()
  return true
}
function ok(res: RequestContext['res']): true {
  res.writeHead(200, { 'content-length': '0' }).end()
  return true
}

async function readOptions(req: RequestContext['req']): Promise<Record<string, unknown>> {
  const text = await readBody(req)
  if (!text.trim()) return {}
  try {
    const parsed = JSON.parse(text) as unknown
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {
    // fall through
  }
  throw new StatusError(400, 'BadRequest', 'Can not unmarshal Request body to struct')
}

class Operations {
  readonly #ctx: KubevirtContext
  readonly #namespace: string
  readonly #name: string

  constructor(ctx: KubevirtContext, namespace: string, name: string) {
    this.#ctx = ctx
    this.#namespace = namespace
    this.#name = name
  }

  vm(): KObject {
    const vm = this.#ctx.store.peek(this.#ctx.defs.vm, this.#namespace, this.#name)
    if (!vm)
      throw new StatusError(
        404,
        'NotFound',
        `virtualmachine.kubevirt.io "${this.#name}" not found`,
        vmDetails(this.#name),
      )
    return structuredClone(vm)
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

  /** Patches `status.stateChangeRequests` (a test-guarded JSON patch in virt-api). */
  #requests(vm: KObject, requests: StateChangeRequest[], dryRun: boolean): void {
    const status = { ...((vm.status ?? {}) as VmStatus) }
    if (requests.length === 1 && requests[0]?.action === 'Stop')
      status.stateChangeRequests = requests
    else {
      if ((status.stateChangeRequests ?? []).length > 0)
        throw internal(this.#name, 'unable to complete request: stop/start already underway')
      status.stateChangeRequests = requests
    }
    delete status.startFailure
    if (dryRun) return
    this.#ctx.store.update(this.#ctx.defs.vm, { ...vm, status }, { subresource: 'status' })
  }

  #setStrategy(vm: KObject, running: boolean, dryRun: boolean): void {
    const spec = { ...(vm.spec as Record<string, unknown>) }
    if (spec.running !== undefined) spec.running = running
    else spec.runStrategy = running ? 'Always' : 'Halted'
    if (dryRun) return
    this.#ctx.store.update(this.#ctx.defs.vm, { ...vm, spec })
  }

  start(body: Record<string, unknown>, dryRun: boolean): void {
    const vm = this.vm()
    const vmi = this.vmi('vm')
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
    this.#requests(
      vm,
      vmi && isFinal(vmi) ? [{ action: 'Stop', uid: vmi.metadata.uid ?? '' }, start] : [start],
      dryRun,
    )
  }

  stop(body: Record<string, unknown>, dryRun: boolean): void {
    const vm = this.vm()
    const vmi = this.vmi('vm')
    const strategy = runStrategyOf(vm)
    const live = vmi && !isFinal(vmi)
    const grace = typeof body.gracePeriod === 'number' ? body.gracePeriod : undefined
    if (grace !== undefined && live && vmi) this.#forceGrace(vmi, grace, dryRun)
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
  #forceGrace(vmi: KObject, grace: number, dryRun: boolean): void {
    if (dryRun) return
    const spec = { ...(vmi.spec as Record<string, unknown>), terminationGracePeriodSeconds: grace }
    this.#ctx.store.update(this.#ctx.defs.vmi, { ...vmi, spec })
  }

  restart(body: Record<string, unknown>, dryRun: boolean): void {
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
    const vm = this.vm()
    const vmi = this.vmi('vm')
    const strategy = runStrategyOf(vm)
    if (strategy === 'Halted' || strategy === 'Once')
      throw conflictVm(
        this.#name,
        `RunStategy ${strategy} does not support manual restart requests`,
      )
    if (!vmi) throw conflictVm(this.#name, 'VM is not running: Halted')
    if (grace === 0 && !isFinal(vmi)) this.#forceGrace(vmi, 1, dryRun)
    this.#requests(
      vm,
      [{ action: 'Stop', uid: vmi.metadata.uid ?? '' }, { action: 'Start' }],
      dryRun,
    )
  }

  migrate(body: Record<string, unknown>, dryRun: boolean): void {
    this.vm()
    const vmi = this.vmi('vm')
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
    try {
      admitMigration(this.#ctx, migration)
    } catch (error) {
      throw internal(this.#name, (error as Error).message)
    }
    if (!dryRun) this.#ctx.store.create(this.#ctx.defs.vmim, migration)
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

  /** `vnc/screenshot`: a PNG of the guest's display, through QMP `screendump` (QEMU >= 7.1). */
  async screenshot(): Promise<Buffer> {
    const vmi = this.vmi()
    if (!vmi || phaseOf(vmi) !== 'Running')
      throw badRequestOn('vmi', this.#name, 'Unable to get a screenshot: VMI is not running')
    const guest = this.#ctx.runtime.state(vmi.metadata.uid ?? '')?.guest
    if (!guest?.running)
      throw internal(this.#name, 'no display: the VMI has no graphics device', 'vmi')
    const file = join(tmpdir(), `vmdeck-screenshot-${randomUUID()}.png`)
    try {
      await guest.execute('screendump', { filename: file, format: 'png' })
      return await readFile(file)
    } finally {
      await rm(file, { force: true })
    }
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
  freeze(frozen: boolean, dryRun: boolean): void {
    const vmi = this.#runningVmi()
    if (dryRun) return
    const status = vmi.status as { fsFreezeStatus?: string }
    if (frozen) status.fsFreezeStatus = 'frozen'
    else delete status.fsFreezeStatus
    this.#ctx.store.update(this.#ctx.defs.vmi, vmi)
  }

  guestAgent(which: string): Record<string, unknown> | string {
    const vmi = this.#ctx.store.peek(this.#ctx.defs.vmi, this.#namespace, this.#name)
    if (!vmi) return `virtualmachineinstance.kubevirt.io "${this.#name}" not found`
    if (phaseOf(vmi) !== 'Running')
      return `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${this.#name}": VMI is not running`
    if (conditionOf(vmi, 'AgentConnected')?.status !== 'True')
      return `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${this.#name}": VMI does not have guest agent connected`
    if (which === 'userlist')
      return { metadata: {}, items: [{ userName: 'root', loginTime: Date.now() / 1000 }] }
    if (which === 'filesystemlist')
      return {
        metadata: {},
        items: [
          {
            diskName: 'ram0',
            mountPoint: '/',
            fileSystemType: 'rootfs',
            usedBytes: 1_048_576,
            totalBytes: 50_331_648,
          },
        ],
      }
    const os = (vmi.status as { guestOSInfo?: Record<string, unknown> }).guestOSInfo ?? {}
    return {
      guestAgentVersion: '7.2.0',
      hostname: this.#name,
      os,
      timezone: 'UTC, 0',
      userList: [{ userName: 'root', loginTime: Date.now() / 1000 }],
      fsInfo: {
        disks: [
          {
            diskName: 'ram0',
            mountPoint: '/',
            fileSystemType: 'rootfs',
            usedBytes: 1_048_576,
            totalBytes: 50_331_648,
          },
        ],
      },
      supportedCommands: [
        { name: 'guest-info', enabled: true },
        { name: 'guest-ping', enabled: true },
      ],
    }
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

/** migration-create-validator.kubevirt.io (API.md §4.1), also run for `PUT …/migrate`. */
export function admitMigration(ctx: KubevirtContext, migration: KObject): void {
  const spec = (migration.spec ?? {}) as { vmiName?: string; priority?: string }
  const namespace = migration.metadata.namespace ?? ''
  const deny = (message: string) => {
    throw new StatusError(
      422,
      'Invalid',
      `admission webhook "migration-create-validator.kubevirt.io" denied the request: ${message}`,
    )
  }
  const vmi = ctx.store.peek(ctx.defs.vmi, namespace, spec.vmiName ?? '')
  if (!vmi) deny(`the VMI "${namespace}/${spec.vmiName ?? ''}" does not exist`)
  if (isFinal(vmi)) deny('Cannot migrate VMI in finalized state.')
  const migratable = conditionOf(vmi, 'LiveMigratable')
  if (migratable?.status === 'False')
    deny(
      `Cannot migrate VMI, Reason: ${migratable.reason ?? ''}, Message: ${migratable.message ?? ''}`,
    )
  for (const other of ctx.store.list(ctx.defs.vmim, namespace).items) {
    const o = other.spec as { vmiName?: string }
    const phase = phaseOf(other)
    if (
      o.vmiName === spec.vmiName &&
      phase !== 'Succeeded' &&
      phase !== 'Failed' &&
      !other.metadata.deletionTimestamp
    )
      deny(
        `in-flight migration detected. Active migration job (${other.metadata.uid}) is currently already in progress for VMI ${spec.vmiName}.`,
      )
  }
  // The migrations mutator adds the selector label virtctl migrate-cancel uses.
  migration.metadata.labels = {
    ...(migration.metadata.labels ?? {}),
    'kubevirt.io/vmi-name': spec.vmiName ?? '',
  }
}
