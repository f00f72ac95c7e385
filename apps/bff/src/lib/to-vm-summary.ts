import type { VmPrintableStatus, VmSummary } from '@vmdeck/shared'

// The only module that reads KubeVirt's VirtualMachine / VirtualMachineInstance shapes
// (kubevirt.io/v1, shared/kubevirt/API.md §3). Everything else uses the view models.

interface Condition {
  type?: string
  status?: string
}

export interface VirtualMachine {
  apiVersion?: string
  kind?: string
  metadata?: {
    name?: string
    namespace?: string
    uid?: string
    creationTimestamp?: string | Date
    labels?: Record<string, string>
    resourceVersion?: string
  }
  spec?: {
    runStrategy?: string
    running?: boolean
    instancetype?: { name?: string; kind?: string }
    template?: {
      spec?: {
        domain?: {
          cpu?: { cores?: number; sockets?: number; threads?: number }
          memory?: { guest?: string }
          resources?: { requests?: { memory?: string } }
        }
      }
    }
  }
  status?: {
    printableStatus?: string
    ready?: boolean
    conditions?: Condition[]
  }
}

export interface VirtualMachineInstance {
  metadata?: { name?: string; namespace?: string }
  status?: {
    nodeName?: string
    interfaces?: { ipAddress?: string; ipAddresses?: string[] }[]
    guestOSInfo?: { prettyName?: string; name?: string }
    conditions?: Condition[]
    migrationState?: { completed?: boolean; failed?: boolean; startTimestamp?: string }
  }
}

const printable = new Set<string>([
  'Stopped',
  'Provisioning',
  'Starting',
  'Running',
  'Paused',
  'Stopping',
  'Terminating',
  'CrashLoopBackOff',
  'Migrating',
  'WaitingForVolumeBinding',
  'WaitingForReceiver',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrorUnschedulable',
  'ErrorPvcNotFound',
  'ErrorDataVolumeNotFound',
  'DataVolumeError',
])

const isTrue = (conditions: Condition[] | undefined, type: string) =>
  conditions?.some((c) => c.type === type && c.status === 'True') ?? false

const timestamp = (value: string | Date | undefined) =>
  value instanceof Date ? value.toISOString().replace(/\.\d+Z$/, 'Z') : (value ?? '')

export function toVmSummary(vm: VirtualMachine, vmi?: VirtualMachineInstance): VmSummary {
  const status = vm.status?.printableStatus
  const domain = vm.spec?.template?.spec?.domain
  const cpu = domain?.cpu
  const memory = domain?.memory?.guest ?? domain?.resources?.requests?.memory
  const ips = [
    ...new Set(
      (vmi?.status?.interfaces ?? []).flatMap(
        (i) => i.ipAddresses ?? (i.ipAddress ? [i.ipAddress] : []),
      ),
    ),
  ]
  const migration = vmi?.status?.migrationState
  const os = vmi?.status?.guestOSInfo?.prettyName ?? vmi?.status?.guestOSInfo?.name
  const runStrategy =
    vm.spec?.runStrategy ??
    (vm.spec?.running === undefined ? undefined : vm.spec.running ? 'Always' : 'Halted')
  return {
    namespace: vm.metadata?.namespace ?? '',
    name: vm.metadata?.name ?? '',
    uid: vm.metadata?.uid ?? '',
    status: (status && printable.has(status) ? status : 'Unknown') as VmPrintableStatus,
    ready: vm.status?.ready ?? isTrue(vm.status?.conditions, 'Ready'),
    ...(runStrategy ? { runStrategy } : {}),
    ...(vmi?.status?.nodeName ? { node: vmi.status.nodeName } : {}),
    ips,
    ...(os ? { os } : {}),
    ...(cpu ? { cpus: (cpu.cores ?? 1) * (cpu.sockets ?? 1) * (cpu.threads ?? 1) } : {}),
    ...(memory ? { memory } : {}),
    ...(vm.spec?.instancetype?.name ? { instancetype: vm.spec.instancetype.name } : {}),
    createdAt: timestamp(vm.metadata?.creationTimestamp),
    labels: vm.metadata?.labels ?? {},
    flags: {
      paused: isTrue(vmi?.status?.conditions, 'Paused'),
      migrating: Boolean(migration?.startTimestamp && !migration.completed && !migration.failed),
      agentConnected: isTrue(vmi?.status?.conditions, 'AgentConnected'),
    },
  }
}
