// KubeVirt's validating webhooks the users run into (API.md §0 gotcha 8, §4.1), with the
// messages of kubevirt v1.9.0's admitters as kubectl shows them:
// `admission webhook "<name>" denied the request: <causes joined by ", ">`.
import type { AdmissionHook } from '../apiserver/api-server.ts'
import { StatusError } from '../apiserver/status-error.ts'
import type { KubevirtContext } from '../controllers/context.ts'
import { admitMigration } from './subresources.ts'

const validRunStrategies = ['Halted', 'Manual', 'Always', 'RerunOnFailure', 'Once']

interface Cause {
  field: string
  message: string
}

function deny(webhook: string, causes: Cause[]): never {
  throw new StatusError(
    422,
    'Invalid',
    `admission webhook "${webhook}" denied the request: ${causes.map((c) => c.message).join(', ')}`,
    {
      causes: causes.map((c) => ({
        reason: 'FieldValueInvalid',
        message: c.message,
        field: c.field,
      })),
    },
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

export function kubevirtAdmission(ctx: KubevirtContext): AdmissionHook[] {
  const vmHook: AdmissionHook = ({ operation, def, object, subresource }) => {
    if (def.group !== 'kubevirt.io' || def.plural !== 'virtualmachines') return
    if (operation === 'DELETE' || !object || subresource === 'status') return
    if (object.metadata.deletionTimestamp) return
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
    if (causes.length > 0) deny('virtualmachine-validator.kubevirt.io', causes)
  }
  const migrationHook: AdmissionHook = ({ operation, def, object, user }) => {
    if (def.group !== 'kubevirt.io' || def.plural !== 'virtualmachineinstancemigrations') return
    if (operation !== 'CREATE' || !object) return
    const priority = (object.spec as { priority?: string } | undefined)?.priority
    if (priority && !user.username.startsWith('system:serviceaccount:kubevirt'))
      deny('migration-create-validator.kubevirt.io', [
        {
          field: 'spec.priority',
          message:
            'Migration priority queue, only virt-controller is allowed to set priority field',
        },
      ])
    admitMigration(ctx, object)
  }
  return [vmHook, migrationHook]
}
