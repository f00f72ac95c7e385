import { VmPrintableStatus, type VmSummary } from '@vmdeck/shared'
import { Value } from 'typebox/value'
import type { VirtualMachine, VirtualMachineInstance } from '../types.ts'
import { conditionOf, isTrue, opt, timestamp } from './fields.ts'
import { declaresRunStrategy, runStrategyOf } from './run-strategy.ts'

/** KubeVirt's printable status when the shared schema knows it, else `Unknown`. */
const printableStatus = (status: string | undefined): VmPrintableStatus =>
  Value.Check(VmPrintableStatus, status) ? status : 'Unknown'

/** A VM list row, from the VM and (while it runs) its VMI. */
export function toVmSummary(vm: VirtualMachine, vmi?: VirtualMachineInstance): VmSummary {
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
  const migratable = conditionOf(vmi?.status?.conditions, 'LiveMigratable')
  return {
    namespace: vm.metadata?.namespace ?? '',
    name: vm.metadata?.name ?? '',
    uid: vm.metadata?.uid ?? '',
    status: printableStatus(vm.status?.printableStatus),
    ready: vm.status?.ready ?? isTrue(vm.status?.conditions, 'Ready'),
    ...opt('runStrategy', declaresRunStrategy(vm) ? runStrategyOf(vm) : undefined),
    ...opt('node', vmi?.status?.nodeName),
    ips,
    ...opt('os', os),
    ...(cpu ? { cpus: (cpu.cores ?? 1) * (cpu.sockets ?? 1) * (cpu.threads ?? 1) } : {}),
    ...opt('memory', memory),
    ...opt('instancetype', vm.spec?.instancetype?.name),
    ...opt('preference', vm.spec?.preference?.name),
    createdAt: timestamp(vm.metadata?.creationTimestamp),
    labels: vm.metadata?.labels ?? {},
    flags: {
      paused: isTrue(vmi?.status?.conditions, 'Paused'),
      migrating: Boolean(migration?.startTimestamp && !migration.completed && !migration.failed),
      agentConnected: isTrue(vmi?.status?.conditions, 'AgentConnected'),
      ...(migratable ? { liveMigratable: migratable.status === 'True' } : {}),
    },
  }
}
