import { SnapshotPhase, type VmSnapshot } from '@vmdeck/shared'
import { Value } from 'typebox/value'
import type { VirtualMachineRestore, VirtualMachineSnapshot } from '../types.ts'
import { conditionOf, opt, optionalTimestamp, timestamp } from './fields.ts'

/** A snapshot, with the latest restore made from it. */
export function toVmSnapshot(
  snapshot: VirtualMachineSnapshot,
  restores: VirtualMachineRestore[] = [],
): VmSnapshot {
  const raw = snapshot.status?.phase ?? ''
  const name = snapshot.metadata?.name ?? ''
  const latest = restores
    .filter((r) => r.spec?.virtualMachineSnapshotName === name)
    .sort((a, b) =>
      timestamp(b.metadata?.creationTimestamp).localeCompare(
        timestamp(a.metadata?.creationTimestamp),
      ),
    )[0]
  const failure = latest && conditionOf(latest.status?.conditions, 'Failure')
  return {
    namespace: snapshot.metadata?.namespace ?? '',
    name,
    vmName: snapshot.spec?.source?.name ?? '',
    phase: Value.Check(SnapshotPhase, raw) ? raw : raw === '' ? 'InProgress' : 'Unknown',
    readyToUse: snapshot.status?.readyToUse ?? false,
    createdAt: timestamp(snapshot.metadata?.creationTimestamp),
    ...opt('creationTime', optionalTimestamp(snapshot.status?.creationTime)),
    ...opt('error', snapshot.status?.error?.message),
    indications: [
      ...new Set([
        ...(snapshot.status?.sourceIndications ?? []).map((i) => i.indication ?? ''),
        ...(snapshot.status?.indications ?? []),
      ]),
    ].filter(Boolean),
    ...(latest
      ? {
          restore: {
            name: latest.metadata?.name ?? '',
            complete: latest.status?.complete ?? false,
            ...opt('restoreTime', optionalTimestamp(latest.status?.restoreTime)),
            ...opt('error', failure?.status === 'True' ? failure.message : undefined),
          },
        }
      : {}),
  }
}
