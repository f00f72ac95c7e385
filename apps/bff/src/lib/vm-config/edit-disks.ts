import type { VmDiskChange } from '@vmdeck/shared'
import { httpError } from '../../kube/http-error.ts'
import type { DataVolumeTemplate, EditableVm, VolumeSource } from './vm-shape.ts'

type Add = Extract<VmDiskChange, { op: 'add' }>

const storage = (size: string, storageClass: string | undefined) => ({
  resources: { requests: { storage: size } },
  ...(storageClass ? { storageClassName: storageClass } : {}),
})

/** The DataVolume a new disk gets (blank or a clone), owned by the VM through its templates. */
function dataVolumeFor(vm: EditableVm, add: Add): DataVolumeTemplate | undefined {
  const { source } = add
  const name = `${vm.metadata.name}-${add.name}`
  if (source.type === 'blank')
    return {
      metadata: { name },
      spec: { source: { blank: {} }, storage: storage(source.size, source.storageClass) },
    }
  if (source.type === 'clone') {
    const namespace = source.namespace ?? vm.metadata.namespace
    return {
      metadata: { name },
      spec: {
        ...(source.from === 'pvc'
          ? { source: { pvc: { namespace, name: source.name } } }
          : { sourceRef: { kind: 'DataSource', namespace, name: source.name } }),
        storage: storage(source.size, source.storageClass),
      },
    }
  }
  return undefined
}

/**
 * Adds, removes, inserts into or ejects a disk. On a running VM a new volume is marked
 * hot-pluggable, so KubeVirt plugs it in live instead of marking the VM RestartRequired.
 */
export function editDisks(vm: EditableVm, change: VmDiskChange, running: boolean): EditableVm {
  const spec = vm.spec.template.spec
  const disks = (spec.domain.devices.disks ??= [])
  const volumes = (spec.volumes ??= [])
  const disk = disks.find((d) => d.name === change.name)
  const volume = volumes.find((v) => v.name === change.name)
  const hotplug = running ? { hotpluggable: true } : {}

  if (change.op === 'add') {
    if (disk || volume)
      throw httpError(
        400,
        `A disk named "${change.name}" already exists on this VM.`,
        'DISK_NAME_IN_USE',
      )
    const template = dataVolumeFor(vm, change)
    if (
      template &&
      (vm.spec.dataVolumeTemplates ?? []).some((t) => t.metadata.name === template.metadata.name)
    )
      throw httpError(
        400,
        `A disk named "${template.metadata.name}" already exists on this VM.`,
        'DISK_NAME_IN_USE',
      )
    disks.push({ name: change.name, disk: { bus: change.bus } })
    if (template) {
      ;(vm.spec.dataVolumeTemplates ??= []).push(template)
      volumes.push({ name: change.name, dataVolume: { name: template.metadata.name, ...hotplug } })
    } else if (change.source.type === 'pvc')
      volumes.push({
        name: change.name,
        persistentVolumeClaim: { claimName: change.source.claimName, ...hotplug },
      })
    return vm
  }

  if (change.op === 'remove') {
    if (!disk) throw httpError(400, `This VM has no disk named "${change.name}".`, 'NO_SUCH_DISK')
    spec.domain.devices.disks = disks.filter((d) => d !== disk)
    spec.volumes = volumes.filter((v) => v !== volume)
    const dataVolume = volume?.dataVolume?.name
    if (dataVolume && vm.spec.dataVolumeTemplates) {
      vm.spec.dataVolumeTemplates = vm.spec.dataVolumeTemplates.filter(
        (t) => t.metadata.name !== dataVolume,
      )
      if (vm.spec.dataVolumeTemplates.length === 0) delete vm.spec.dataVolumeTemplates
    }
    return vm
  }

  if (disk && !disk.cdrom)
    throw httpError(400, `"${change.name}" is a disk, not a CD-ROM drive.`, 'NOT_A_CDROM')
  if (change.op === 'insert-cdrom') {
    if (!disk) disks.push({ name: change.name, cdrom: { bus: 'sata' } })
    const inserted: VolumeSource = {
      name: change.name,
      persistentVolumeClaim: { claimName: change.claimName, ...hotplug },
    }
    spec.volumes = [...volumes.filter((v) => v !== volume), inserted]
    return vm
  }
  // Eject takes the drive out with its ISO: an empty CD-ROM drive needs KubeVirt's
  // DeclarativeHotplugVolumes feature gate, which its admission checks ("cannot define an empty
  // CD-ROM disk") and clusters rarely enable.
  if (!disk)
    throw httpError(400, `This VM has no CD-ROM drive named "${change.name}".`, 'NO_SUCH_DISK')
  if (!volume)
    throw httpError(400, `The CD-ROM drive "${change.name}" is already empty.`, 'CDROM_EMPTY')
  spec.domain.devices.disks = disks.filter((d) => d !== disk)
  spec.volumes = volumes.filter((v) => v !== volume)
  return vm
}
