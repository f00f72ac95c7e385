import type { VmDisk, VmNic } from '@vmdeck/shared'
import type { VirtualMachine, VirtualMachineInstance } from '../types.ts'
import { opt } from './fields.ts'

/** The VM's disks with the volume behind each, and the size of those it owns (its DataVolumes). */
export function toDisks(vm: VirtualMachine): VmDisk[] {
  const spec = vm.spec?.template?.spec
  const volumes = new Map((spec?.volumes ?? []).map((v) => [v.name ?? '', v]))
  const owned = new Map(
    (vm.spec?.dataVolumeTemplates ?? []).map((t) => [
      t.metadata?.name ?? '',
      t.spec?.storage?.resources?.requests?.storage ?? t.spec?.pvc?.resources?.requests?.storage,
    ]),
  )
  return (spec?.domain?.devices?.disks ?? []).map((disk) => {
    const volume = volumes.get(disk.name ?? '')
    const type = disk.cdrom ? 'cdrom' : disk.lun ? 'lun' : 'disk'
    const bus = (disk.disk ?? disk.cdrom ?? disk.lun)?.bus
    let source: VmDisk['source'] = { kind: 'other' }
    if (volume?.containerDisk)
      source = { kind: 'containerDisk', ...opt('ref', volume.containerDisk.image) }
    else if (volume?.dataVolume)
      source = { kind: 'dataVolume', ...opt('ref', volume.dataVolume.name) }
    else if (volume?.persistentVolumeClaim)
      source = {
        kind: 'persistentVolumeClaim',
        ...opt('ref', volume.persistentVolumeClaim.claimName),
      }
    else if (volume?.cloudInitNoCloud) source = { kind: 'cloudInitNoCloud' }
    else if (volume?.cloudInitConfigDrive) source = { kind: 'cloudInitConfigDrive' }
    else if (volume?.emptyDisk) source = { kind: 'emptyDisk' }
    else if (volume?.ephemeral)
      source = {
        kind: 'ephemeral',
        ...opt('ref', volume.ephemeral.persistentVolumeClaim?.claimName),
      }
    const dvName = volume?.dataVolume?.name
    return {
      name: disk.name ?? '',
      type,
      ...opt('bus', bus),
      ...opt('bootOrder', disk.bootOrder),
      source,
      ...opt('size', dvName ? owned.get(dvName) : undefined),
      owned: dvName !== undefined && owned.has(dvName),
    }
  })
}

/** The VM's NICs with their network and, while it runs, what the guest reports on each. */
export function toNics(vm: VirtualMachine, vmi?: VirtualMachineInstance): VmNic[] {
  const spec = vm.spec?.template?.spec
  const networks = new Map((spec?.networks ?? []).map((n) => [n.name ?? '', n]))
  const live = new Map((vmi?.status?.interfaces ?? []).map((i) => [i.name ?? '', i]))
  return (spec?.domain?.devices?.interfaces ?? []).map((iface) => {
    const network = networks.get(iface.name ?? '')
    const status = live.get(iface.name ?? '')
    const binding = iface.masquerade
      ? 'masquerade'
      : iface.bridge
        ? 'bridge'
        : iface.sriov
          ? 'sriov'
          : iface.passtBinding
            ? 'passt'
            : iface.binding?.name
    return {
      name: iface.name ?? '',
      network: network?.multus ? 'multus' : 'pod',
      ...opt('networkName', network?.multus?.networkName),
      ...opt('binding', binding),
      ...opt('model', iface.model),
      ...opt('mac', status?.mac ?? iface.macAddress),
      ips: status?.ipAddresses ?? (status?.ipAddress ? [status.ipAddress] : []),
      ...opt('interfaceName', status?.interfaceName),
      ...opt('linkState', status?.linkState),
    }
  })
}
