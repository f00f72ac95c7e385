import type { VmCondition, VmDetail, VmMigration, VmSnapshot } from '@vmdeck/shared'
import type { Condition, VirtualMachine, VirtualMachineInstance } from '../types.ts'
import { isTrue, opt, optionalTimestamp } from './fields.ts'
import { toDisks, toNics } from './vm-devices.ts'
import { toVmSummary } from './vm-summary.ts'

const toCondition =
  (source: 'vm' | 'vmi') =>
  (c: Condition): VmCondition => ({
    type: c.type ?? '',
    status: c.status ?? 'Unknown',
    ...opt('reason', c.reason),
    ...opt('message', c.message),
    ...opt('lastTransitionTime', optionalTimestamp(c.lastTransitionTime)),
    source,
  })

/** The VM page: the summary plus devices, conditions (the VM's, then the VMI's), guest and more. */
export function toVmDetail(
  vm: VirtualMachine,
  vmi: VirtualMachineInstance | undefined,
  related: { snapshots: VmSnapshot[]; migration?: VmMigration | undefined },
): VmDetail {
  const spec = vm.spec?.template?.spec
  const guest = vmi?.status?.guestOSInfo
  const conditions = [
    ...(vm.status?.conditions ?? []).map(toCondition('vm')),
    ...(vmi?.status?.conditions ?? [])
      .filter((c) => !(vm.status?.conditions ?? []).some((v) => v.type === c.type))
      .map(toCondition('vmi')),
  ]
  return {
    ...toVmSummary(vm, vmi),
    annotations: vm.metadata?.annotations ?? {},
    ...opt('phase', vmi?.status?.phase),
    ...opt('evictionStrategy', spec?.evictionStrategy ?? vmi?.spec?.evictionStrategy),
    ...opt('terminationGracePeriodSeconds', spec?.terminationGracePeriodSeconds),
    disks: toDisks(vm),
    nics: toNics(vm, vmi),
    conditions,
    snapshots: related.snapshots,
    ...opt('migration', related.migration),
    ...(guest
      ? {
          guest: {
            ...opt('osName', guest.name),
            ...opt('osPrettyName', guest.prettyName),
            ...opt('osVersion', guest.version ?? guest.versionId),
            ...opt('kernelRelease', guest.kernelRelease),
          },
        }
      : {}),
    ...opt('snapshotInProgress', vm.status?.snapshotInProgress),
    ...opt('restoreInProgress', vm.status?.restoreInProgress),
    restartRequired: isTrue(vm.status?.conditions, 'RestartRequired'),
    ...opt('vmiUid', vmi?.metadata?.uid),
  }
}
