// KubeVirt's admission webhooks the users run into (docs/KUBEVIRT-NOTES.md#run-strategy and
// #live-migration-and-drain), with the rules and messages of kubevirt v1.9.0's admitters. Each rule
// answers what the admitter's AdmissionResponse says (a `Denial`: message, code, causes); how that
// reaches the user is the caller's: virt-api's webhook server sends it to kube-apiserver
// (src/virt-api); `denialError` is the error kube-apiserver makes of it (virt-api's dry-run
// migrations answer with it).
import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import type { KubevirtContext } from '../controllers/context.ts'
import { MIGRATION_FINALIZER } from '../controllers/migration-controller.ts'
import { conditionOf, isFinal, phaseOf } from './k8s-util.ts'

const validRunStrategies = ['Halted', 'Manual', 'Always', 'RerunOnFailure', 'Once']

/** `kubevirt.io/vmi-name`: virt-api's migration mutator labels every migration with its VMI. */
export const MIGRATION_SELECTOR_LABEL = 'kubevirt.io/vmi-name'

interface Cause {
  field: string
  message: string
  /** metav1.CauseType; `FieldValueInvalid` unless said otherwise. */
  type?: string
}

/** What an admitter answers when it refuses (its AdmissionResponse `result`). */
export interface Denial {
  /** The webhook's name, which kube-apiserver puts in front of the message. */
  webhook: string
  code: number
  /** A metav1.StatusReason; KubeVirt's plain errors carry none. */
  reason?: string
  message: string
  causes?: Cause[]
}

/** One admission request, as much of an AdmissionReview as the rules read. */
export interface AdmissionInput {
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT'
  object: KObject | undefined
  oldObject?: KObject | undefined
  /** userInfo.username of the request. */
  username: string
}

/** Where the rules look things up: the informer caches of virt-api. */
export type AdmissionContext = Pick<KubevirtContext, 'store'> & {
  defs: Pick<KubevirtContext['defs'], 'vmi' | 'vmim'>
}

/** webhookutils.ToAdmissionResponse: 422 Invalid, the first ten causes' messages joined. */
function invalid(webhook: string, causes: Cause[]): Denial {
  const shown = causes.slice(0, 10).map((c) => c.message)
  const more = causes.length - shown.length
  return {
    webhook,
    code: 422,
    reason: 'Invalid',
    message: shown.join(', ') + (more > 0 ? `, and ${more} more validation errors` : ''),
    causes,
  }
}

/** webhookutils.ToAdmissionResponseError: 400, the error's text, no reason. */
const plainError = (webhook: string, message: string): Denial => ({ webhook, code: 400, message })

/**
 * What kube-apiserver answers the client when a webhook denied its request
 * (k8s.io/apiserver admission/plugin/webhook/errors `ToStatusErr`).
 */
export function denialError(denial: Denial): StatusError {
  return new StatusError(
    Math.max(denial.code, 400),
    denial.reason ?? '',
    `admission webhook "${denial.webhook}" denied the request: ${denial.message}`,
    denial.causes
      ? {
          causes: denial.causes.map((c) => ({
            reason: c.type ?? 'FieldValueInvalid',
            message: c.message,
            field: c.field,
          })),
        }
      : undefined,
  )
}

interface TemplateSpec {
  domain?: {
    devices?: { disks?: { name: string; cdrom?: object }[]; filesystems?: { name: string }[] }
  }
  volumes?: { name: string; memoryDump?: object }[]
}

/** ValidateVirtualMachineInstanceSpec, the disk/volume part. */
export function validateVmiSpec(field: string, spec: TemplateSpec): Cause[] {
  const causes: Cause[] = []
  const disks = spec.domain?.devices?.disks ?? []
  const volumes = spec.volumes ?? []
  const diskNames = new Set(disks.map((d) => d.name))
  const fsNames = new Set((spec.domain?.devices?.filesystems ?? []).map((f) => f.name))
  const volumeNames = new Set(volumes.map((v) => v.name))
  volumes.forEach((volume, idx) => {
    if (volume.memoryDump) return
    if (!diskNames.has(volume.name) && !fsNames.has(volume.name))
      causes.push({
        field: `${field}.domain.volumes[${idx}].name`,
        message: `${field}.domain.volumes[${idx}].name '${volume.name}' not found.`,
      })
  })
  disks.forEach((disk, idx) => {
    if (!volumeNames.has(disk.name) && !disk.cdrom)
      causes.push({
        field: `${field}.domain.devices.disks[${idx}].name`,
        message: `${field}.domain.devices.disks[${idx}].Name '${disk.name}' not found.`,
      })
  })
  const seen = new Map<string, number>()
  volumes.forEach((volume, idx) => {
    const other = seen.get(volume.name)
    if (other === undefined) seen.set(volume.name, idx)
    else
      causes.push({
        field: `${field}.volumes[${idx}].name`,
        message: `${field}.volumes[${idx}] and ${field}.volumes[${other}] must not have the same Name.`,
      })
  })
  const seenDisks = new Map<string, number>()
  disks.forEach((disk, idx) => {
    const other = seenDisks.get(disk.name)
    if (other === undefined) seenDisks.set(disk.name, idx)
    else
      causes.push({
        field: `${field}.domain.devices.disks[${idx}].name`,
        message: `${field}.domain.devices.disks[${idx}] and ${field}.domain.devices.disks[${other}] must not have the same Name.`,
      })
  })
  return causes
}

/** virtualmachine-validator.kubevirt.io (VMs, CREATE and UPDATE; not `/status`). */
export function validateVirtualMachine(input: AdmissionInput): Denial | undefined {
  const { operation, object } = input
  if (operation === 'DELETE' || !object || object.metadata.deletionTimestamp) return undefined
  const spec = (object.spec ?? {}) as {
    running?: boolean
    runStrategy?: string
    template?: { spec?: TemplateSpec }
  }
  const causes: Cause[] = []
  if (
    spec.running !== undefined &&
    spec.running !== null &&
    spec.runStrategy !== undefined &&
    spec.runStrategy !== null
  )
    causes.push({
      field: 'spec.running',
      message:
        'Running and RunStrategy are mutually exclusive. Note that Running is deprecated, please use RunStrategy instead',
    })
  if (
    spec.runStrategy !== undefined &&
    spec.runStrategy !== null &&
    !validRunStrategies.includes(spec.runStrategy)
  )
    causes.push({
      field: 'spec.runStrategy',
      message: `Invalid RunStrategy (${spec.runStrategy})`,
    })
  causes.push(...validateVmiSpec('spec.template.spec', spec.template?.spec ?? {}))
  // A missing instancetype is admitted at v1.9.0 (the admitter ignores find failures); the
  // VM controller reports it as the VM's Failure condition instead.
  return causes.length > 0 ? invalid('virtualmachine-validator.kubevirt.io', causes) : undefined
}

/**
 * migration-create-validator.kubevirt.io (docs/KUBEVIRT-NOTES.md#live-migration-and-drain), also
 * run by `PUT …/migrate` (`migration-create-admitter.go`): priority only from virt-controller, an
 * existing VMI that is not final and not unmigratable, no other migration of it in flight.
 */
export function validateMigrationCreate(
  ctx: AdmissionContext,
  input: AdmissionInput,
): Denial | undefined {
  const webhook = 'migration-create-validator.kubevirt.io'
  const migration = input.object
  if (input.operation !== 'CREATE' || !migration) return undefined
  const spec = (migration.spec ?? {}) as { vmiName?: string; priority?: string }
  const namespace = migration.metadata.namespace ?? ''
  if (!spec.vmiName)
    return invalid(webhook, [
      { field: 'spec.vmiName', message: 'vmiName is missing', type: 'FieldValueRequired' },
    ])
  if (spec.priority && !isVirtController(input.username))
    return invalid(webhook, [
      {
        field: 'spec.migrationPriority',
        message: 'Migration priority queue, only virt-controller is allowed to set priority field',
        type: 'FieldValueForbidden',
      },
    ])
  const vmi = ctx.store.peek(ctx.defs.vmi, namespace, spec.vmiName)
  if (!vmi) return plainError(webhook, `the VMI "${namespace}/${spec.vmiName}" does not exist`)
  if (isFinal(vmi)) return plainError(webhook, 'Cannot migrate VMI in finalized state.')
  const migratable = conditionOf(vmi, 'LiveMigratable')
  if (migratable?.status === 'False')
    return plainError(
      webhook,
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
      return plainError(
        webhook,
        `in-flight migration detected. Active migration job (${other.metadata.uid}) is currently already in progress for VMI ${spec.vmiName}.`,
      )
  }
  return undefined
}

/** virt-controller's service account (hasRequestOriginatedFromVirtController). */
const isVirtController = (username: string) =>
  username.startsWith('system:serviceaccount:kubevirt:') && username.endsWith('kubevirt-controller')

/**
 * migrations-mutator.kubevirt.io (`migration-create-mutator.go`): the selector label
 * `virtctl migrate-cancel` uses and virt-controller's finalizer. Returns the mutated copy.
 */
export function mutateMigrationCreate(migration: KObject): KObject {
  const spec = (migration.spec ?? {}) as { vmiName?: string }
  const next = structuredClone(migration)
  next.metadata.labels = {
    ...(next.metadata.labels ?? {}),
    [MIGRATION_SELECTOR_LABEL]: spec.vmiName ?? '',
  }
  next.metadata.finalizers = [...(next.metadata.finalizers ?? []), MIGRATION_FINALIZER]
  return next
}
