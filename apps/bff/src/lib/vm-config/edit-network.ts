import type { VmNetworkChange } from '@vmdeck/shared'
import { httpError } from '../../kube/http-error.ts'
import type { EditableVm } from './vm-shape.ts'

/**
 * Adds or removes a network card. The pod network takes masquerade (one per VM), a Multus network
 * a bridge. Removing a card from a running VM marks it `absent`: KubeVirt unplugs it live and the
 * VM controller drops it from the spec afterwards; a stopped VM just loses it.
 */
export function editNetwork(
  vm: EditableVm,
  change: VmNetworkChange,
  context: { running: boolean; macsInUse: Map<string, string> },
): EditableVm {
  const spec = vm.spec.template.spec
  const interfaces = (spec.domain.devices.interfaces ??= [])
  const networks = (spec.networks ??= [])
  const nic = interfaces.find((i) => i.name === change.name)

  if (change.op === 'add') {
    if (nic || networks.some((n) => n.name === change.name))
      throw httpError(
        400,
        `A network card named "${change.name}" already exists on this VM.`,
        'NIC_NAME_IN_USE',
      )
    if (change.macAddress) {
      const mac = change.macAddress.toLowerCase()
      const owner =
        interfaces.find((i) => i.macAddress?.toLowerCase() === mac)?.name !== undefined
          ? 'this VM'
          : context.macsInUse.get(mac)
      if (owner)
        throw httpError(
          400,
          `MAC address ${change.macAddress} is in use by ${owner}.`,
          'MAC_IN_USE',
        )
    }
    if (change.network.type === 'pod' && networks.some((n) => n.pod))
      throw httpError(
        400,
        'This VM is already on the pod network; a VM has at most one pod network card.',
        'POD_NETWORK_IN_USE',
      )
    interfaces.push({
      name: change.name,
      ...(change.network.type === 'pod' ? { masquerade: {} } : { bridge: {} }),
      ...(change.model ? { model: change.model } : {}),
      ...(change.macAddress ? { macAddress: change.macAddress } : {}),
    })
    networks.push(
      change.network.type === 'pod'
        ? { name: change.name, pod: {} }
        : { name: change.name, multus: { networkName: change.network.networkName } },
    )
    return vm
  }

  if (!nic)
    throw httpError(400, `This VM has no network card named "${change.name}".`, 'NO_SUCH_NIC')
  // Hot-unplug is for bridge cards on secondary networks (KubeVirt refuses it elsewhere).
  if (context.running && nic.bridge !== undefined) {
    nic.state = 'absent'
    return vm
  }
  spec.domain.devices.interfaces = interfaces.filter((i) => i !== nic)
  spec.networks = networks.filter((n) => n.name !== change.name)
  return vm
}
