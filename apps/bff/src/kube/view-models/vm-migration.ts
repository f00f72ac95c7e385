import { MigrationPhase, type VmMigration } from '@vmdeck/shared'
import { Value } from 'typebox/value'
import type { VirtualMachineInstanceMigration } from '../types.ts'
import { opt, optionalTimestamp, timestamp } from './fields.ts'

// Phase-based progress: the API has no byte counts (they are metrics), so the bar moves by phase.
const phaseProgress: Record<string, number> = {
  Pending: 5,
  Scheduling: 15,
  Scheduled: 30,
  PreparingTarget: 45,
  TargetReady: 60,
  Running: 75,
  Succeeded: 100,
}

/**
 * A live migration, with a progress that moves by phase. `running` is its VMI's migration state,
 * where KubeVirt keeps it until the migration is final.
 */
export function toVmMigration(
  vmim: VirtualMachineInstanceMigration,
  running?: NonNullable<VirtualMachineInstanceMigration['status']>['migrationState'],
): VmMigration {
  const raw = vmim.status?.phase ?? ''
  const phase: MigrationPhase = Value.Check(MigrationPhase, raw)
    ? raw
    : raw === ''
      ? 'Pending'
      : 'Unknown'
  // The VMI's state is the whole one while the migration runs (the migration object may hold a
  // few fields virt-controller set early, such as sourcePod); the object's is final afterwards.
  const state = { ...vmim.status?.migrationState, ...running }
  const active = phase !== 'Succeeded' && phase !== 'Failed'
  const progress = phaseProgress[phase]
  return {
    namespace: vmim.metadata?.namespace ?? '',
    name: vmim.metadata?.name ?? '',
    vmName: vmim.spec?.vmiName ?? '',
    phase,
    active,
    ...opt('sourceNode', state?.sourceNode),
    ...opt('targetNode', state?.targetNode),
    createdAt: timestamp(vmim.metadata?.creationTimestamp),
    ...opt('startedAt', optionalTimestamp(state?.startTimestamp)),
    ...opt('endedAt', optionalTimestamp(state?.endTimestamp)),
    ...(progress !== undefined && !(phase === 'Failed') ? { progress } : {}),
    abortRequested: state?.abortRequested ?? false,
    ...opt('abortStatus', state?.abortStatus),
    ...opt('failureReason', state?.failureReason),
    ...opt('mode', state?.mode),
    evacuation:
      vmim.metadata?.annotations?.['kubevirt.io/evacuationMigration'] !== undefined ||
      (vmim.metadata?.name ?? '').startsWith('kubevirt-evacuation-'),
  }
}
