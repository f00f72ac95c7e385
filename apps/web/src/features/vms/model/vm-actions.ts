import type { VmPrintableStatus, VmSummary, VmUiAction } from '@vmdeck/shared'

/** Actions offered on a VM; power actions run at once, the others open a dialog or a page. */
export type VmActionId = Exclude<VmUiAction, 'create' | 'vnc' | 'serial'> | 'console'

export type VmActionDef = {
  id: VmActionId
  /** The verb: the button's accessible name. */
  label: string
  permission: VmUiAction
  /** Undefined when the VM's state allows it; otherwise why not. */
  blockedBy: (vm: VmSummary) => string | undefined
  /** Runs without a dialog (power operations). */
  immediate?: boolean
  danger?: boolean
  /** Can be applied to many selected VMs. */
  bulk?: boolean
}

const off: VmPrintableStatus[] = [
  'Stopped',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrorPvcNotFound',
  'ErrorDataVolumeNotFound',
  'DataVolumeError',
  'WaitingForVolumeBinding',
]
const transient: VmPrintableStatus[] = ['Stopping', 'Terminating']
const isOff = (vm: VmSummary) => off.includes(vm.status) || vm.status === 'Unknown'
const hasInstance = (vm: VmSummary) => !isOff(vm) && !transient.includes(vm.status)

const notRunning = 'The VM is not running.'

export const vmActions: VmActionDef[] = [
  {
    id: 'start',
    label: 'Start',
    permission: 'start',
    immediate: true,
    bulk: true,
    blockedBy: (vm) =>
      isOff(vm) || vm.status === 'CrashLoopBackOff' ? undefined : 'The VM is already running.',
  },
  {
    id: 'stop',
    label: 'Stop',
    permission: 'stop',
    immediate: true,
    bulk: true,
    blockedBy: (vm) => (hasInstance(vm) ? undefined : notRunning),
  },
  {
    id: 'restart',
    label: 'Restart',
    permission: 'restart',
    immediate: true,
    bulk: true,
    blockedBy: (vm) => (vm.status === 'Running' || vm.status === 'Paused' ? undefined : notRunning),
  },
  {
    id: 'pause',
    label: 'Pause',
    permission: 'pause',
    immediate: true,
    blockedBy: (vm) =>
      vm.status === 'Running' && !vm.flags.paused
        ? undefined
        : vm.flags.paused
          ? 'The VM is already paused.'
          : notRunning,
  },
  {
    id: 'unpause',
    label: 'Unpause',
    permission: 'unpause',
    immediate: true,
    blockedBy: (vm) =>
      vm.flags.paused || vm.status === 'Paused' ? undefined : 'The VM is not paused.',
  },
  {
    id: 'migrate',
    label: 'Migrate',
    permission: 'migrate',
    bulk: true,
    blockedBy: (vm) =>
      vm.status !== 'Running'
        ? vm.status === 'Migrating'
          ? 'The VM is already migrating.'
          : notRunning
        : vm.flags.liveMigratable === false
          ? 'The VM cannot be live-migrated (see its LiveMigratable condition).'
          : undefined,
  },
  {
    id: 'console',
    label: 'Open console',
    permission: 'vnc',
    blockedBy: (vm) =>
      vm.status === 'Running' || vm.status === 'Paused' || vm.status === 'Migrating'
        ? undefined
        : notRunning,
  },
  { id: 'snapshot', label: 'Take snapshot', permission: 'snapshot', blockedBy: () => undefined },
  { id: 'clone', label: 'Clone', permission: 'clone', blockedBy: () => undefined },
  {
    id: 'force-stop',
    label: 'Force stop',
    permission: 'force-stop',
    immediate: true,
    danger: true,
    blockedBy: (vm) => (hasInstance(vm) || transient.includes(vm.status) ? undefined : notRunning),
  },
  {
    id: 'delete',
    label: 'Delete',
    permission: 'delete',
    danger: true,
    bulk: true,
    blockedBy: () => undefined,
  },
]

export const vmActionById = Object.fromEntries(vmActions.map((a) => [a.id, a])) as Record<
  VmActionId,
  VmActionDef
>

/** Present participle for toasts: "Starting web-01". */
export const progressive: Record<string, string> = {
  start: 'Starting',
  stop: 'Stopping',
  restart: 'Restarting',
  pause: 'Pausing',
  unpause: 'Unpausing',
  'force-stop': 'Force-stopping',
  'force-restart': 'Force-restarting',
}
