import { VmPrintableStatus, type VmSummary } from '@vmdeck/shared'
import type { VirtualMachine, VirtualMachineInstance } from '../types.ts'
import { conditionOf, isTrue, opt, optionalTimestamp, timestamp } from './fields.ts'
import { declaresRunStrategy, runStrategyOf } from './run-strategy.ts'

const knownStatuses = new Set<string>(VmPrintableStatus.anyOf.map((literal) => literal.const))

/** KubeVirt's printable status when the shared schema knows it, else `Unknown`. */
const printableStatus = (status: string | undefined): VmPrintableStatus =>
  status !== undefined && knownStatuses.has(status) ? (status as VmPrintableStatus) : 'Unknown'

/** The columns of a list row that come from the VMI (while the VM runs). */
export type VmiPart = Pick<VmSummary, 'node' | 'ips' | 'os' | 'flags'>
/** The columns that come from the VM itself. */
export type VmPart = Omit<VmSummary, keyof VmiPart>

/** A VM list row, from the VM and (while it runs) its VMI. */
export function toVmSummary(vm: VirtualMachine, vmi?: VirtualMachineInstance): VmSummary {
  return joinSummary(vmPart(vm), vmiPart(vmi))
}

export function vmPart(vm: VirtualMachine): VmPart {
  const domain = vm.spec?.template?.spec?.domain
  const cpu = domain?.cpu
  const memory = domain?.memory?.guest ?? domain?.resources?.requests?.memory
  return {
    namespace: vm.metadata?.namespace ?? '',
    name: vm.metadata?.name ?? '',
    uid: vm.metadata?.uid ?? '',
    // KubeVirt's first rule for printableStatus (virt-controller's setPrintableStatus): a VM being
    // deleted is Terminating. Applied here as well, since the API server sets deletionTimestamp at
    // once while virt-controller writes the status later (seconds on a busy cluster).
    status: vm.metadata?.deletionTimestamp
      ? 'Terminating'
      : printableStatus(vm.status?.printableStatus),
    ready: vm.status?.ready ?? isTrue(vm.status?.conditions, 'Ready'),
    ...opt('runStrategy', declaresRunStrategy(vm) ? runStrategyOf(vm) : undefined),
    ...(cpu ? { cpus: (cpu.cores ?? 1) * (cpu.sockets ?? 1) * (cpu.threads ?? 1) } : {}),
    ...opt('memory', memory),
    ...opt('instancetype', vm.spec?.instancetype?.name),
    ...opt('preference', vm.spec?.preference?.name),
    createdAt: timestamp(vm.metadata?.creationTimestamp),
    labels: vm.metadata?.labels ?? {},
  }
}

export function vmiPart(vmi: VirtualMachineInstance | undefined): VmiPart {
  const ips = [
    ...new Set(
      (vmi?.status?.interfaces ?? []).flatMap(
        (i) => i.ipAddresses ?? (i.ipAddress ? [i.ipAddress] : []),
      ),
    ),
  ]
  const migration = vmi?.status?.migrationState
  const os = vmi?.status?.guestOSInfo?.prettyName ?? vmi?.status?.guestOSInfo?.name
  const migratable = conditionOf(vmi?.status?.conditions, 'LiveMigratable')
  // When the VM entered Paused: the VMI's `Paused` condition turns True then, and its
  // `lastTransitionTime` records the moment (KubeVirt copies the condition to the VM's status).
  const paused = conditionOf(vmi?.status?.conditions, 'Paused')
  return {
    ...opt('node', vmi?.status?.nodeName),
    ips,
    ...opt('os', os),
    flags: {
      paused: paused?.status === 'True',
      ...opt(
        'pausedSince',
        paused?.status === 'True' ? optionalTimestamp(paused.lastTransitionTime) : undefined,
      ),
      migrating: Boolean(migration?.startTimestamp && !migration.completed && !migration.failed),
      agentConnected: isTrue(vmi?.status?.conditions, 'AgentConnected'),
      ...(migratable ? { liveMigratable: migratable.status === 'True' } : {}),
    },
  }
}

/** The row from its two halves, its fields in the order the API has always sent them. */
export function joinSummary(vm: VmPart, vmi: VmiPart): VmSummary {
  return {
    namespace: vm.namespace,
    name: vm.name,
    uid: vm.uid,
    status: vm.status,
    ready: vm.ready,
    ...opt('runStrategy', vm.runStrategy),
    ...opt('node', vmi.node),
    ips: vmi.ips,
    ...opt('os', vmi.os),
    ...opt('cpus', vm.cpus),
    ...opt('memory', vm.memory),
    ...opt('instancetype', vm.instancetype),
    ...opt('preference', vm.preference),
    createdAt: vm.createdAt,
    labels: vm.labels,
    flags: vmi.flags,
  }
}

/** The VM's half of a row (to join with a new VMI half without the VM object at hand). */
export function vmPartOf(summary: VmSummary): VmPart {
  const { node: _node, ips: _ips, os: _os, flags: _flags, ...part } = summary
  return part
}
