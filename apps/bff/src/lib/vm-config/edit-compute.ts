import { parseQuantity, type VmComputeChange } from '@vmdeck/shared'
import { httpError } from '../../kube/http-error.ts'
import { MIN_MEMORY } from './vm-config-view.ts'
import type { EditableVm } from './vm-shape.ts'

const CLUSTER = {
  type: 'VirtualMachineClusterInstancetype',
  pref: 'VirtualMachineClusterPreference',
}
const NAMESPACED = { type: 'VirtualMachineInstancetype', pref: 'VirtualMachinePreference' }

/**
 * Explicit sockets/cores/threads and guest memory, or an instancetype (and preference). An
 * instancetype owns CPU and memory: KubeVirt refuses a VM that names one and sets them too.
 */
export function editCompute(vm: EditableVm, change: VmComputeChange): EditableVm {
  const domain = vm.spec.template.spec.domain
  if (change.kind === 'instancetype') {
    delete domain.cpu
    delete domain.memory
    if (domain.resources?.requests) delete domain.resources.requests.memory
    const kinds = change.instancetype.clusterScoped ? CLUSTER : NAMESPACED
    vm.spec.instancetype = { kind: kinds.type, name: change.instancetype.name }
    if (change.preference) {
      const pref = change.preference.clusterScoped ? CLUSTER : NAMESPACED
      vm.spec.preference = { kind: pref.pref, name: change.preference.name }
    } else delete vm.spec.preference
    return vm
  }
  if (parseQuantity(change.memory) < parseQuantity(MIN_MEMORY))
    throw httpError(
      400,
      `Memory ${change.memory} is below the minimum of ${MIN_MEMORY}: the guest does not boot with less.`,
      'MEMORY_BELOW_MINIMUM',
    )
  // Limits the VM sets itself are KubeVirt's admission refusals; say so before sending.
  const maxSockets = domain.cpu?.maxSockets
  if (maxSockets !== undefined && change.sockets > maxSockets)
    throw httpError(
      400,
      `${change.sockets} sockets is more than this VM's maximum of ${maxSockets} (maxSockets).`,
      'SOCKETS_ABOVE_MAXIMUM',
    )
  const maxGuest = domain.memory?.maxGuest
  if (maxGuest && parseQuantity(change.memory) > parseQuantity(maxGuest))
    throw httpError(
      400,
      `Memory ${change.memory} is more than this VM's maximum of ${maxGuest} (maxGuest).`,
      'MEMORY_ABOVE_MAXIMUM',
    )
  delete vm.spec.instancetype
  domain.cpu = {
    ...(domain.cpu ?? {}),
    sockets: change.sockets,
    cores: change.cores,
    threads: change.threads,
  }
  domain.memory = { ...(domain.memory ?? {}), guest: change.memory }
  // A memory request below the guest memory is refused; keep a request the VM had in step.
  if (domain.resources?.requests?.memory) domain.resources.requests.memory = change.memory
  return vm
}
