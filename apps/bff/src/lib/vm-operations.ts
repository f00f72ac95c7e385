import type { BulkAction, VmPowerAction } from '@vmdeck/shared'
import type { KubeClient } from '../kube/kube-client.ts'
import { deleteVm, migrateVm, runVmOperation, type VmOperation } from '../kube/api/vm-requests.ts'

/** Each power operation as KubeVirt's subresource API spells it (what virtctl sends). */
export const powerOperations: Record<VmPowerAction, VmOperation & { verb: string }> = {
  start: { kind: 'virtualmachines', subresource: 'start', body: {}, verb: 'Start' },
  stop: { kind: 'virtualmachines', subresource: 'stop', body: {}, verb: 'Stop' },
  restart: { kind: 'virtualmachines', subresource: 'restart', body: {}, verb: 'Restart' },
  pause: { kind: 'virtualmachineinstances', subresource: 'pause', body: {}, verb: 'Pause' },
  unpause: { kind: 'virtualmachineinstances', subresource: 'unpause', body: {}, verb: 'Unpause' },
  'force-stop': {
    kind: 'virtualmachines',
    subresource: 'stop',
    body: { gracePeriod: 0 },
    verb: 'Force stop',
  },
  'force-restart': {
    kind: 'virtualmachines',
    subresource: 'restart',
    body: { gracePeriodSeconds: 0 },
    verb: 'Force restart',
  },
}

/**
 * One VM's part of a bulk action, as the single-VM routes carry it out: a power operation, a
 * migration the scheduler places, or a delete (with the VM's owned disks, uid precondition).
 */
export async function actOnVm(
  client: KubeClient,
  vm: { namespace: string; name: string; uid?: string },
  action: BulkAction,
): Promise<void> {
  if (action === 'migrate') {
    await migrateVm(client, vm.namespace, vm.name, undefined)
    return
  }
  if (action === 'delete') {
    await deleteVm(client, vm.namespace, vm.name, vm.uid)
    return
  }
  await runVmOperation(client, vm.namespace, vm.name, powerOperations[action])
}
