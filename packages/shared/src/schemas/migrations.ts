import { Type, type Static } from 'typebox'
import { K8sName } from './common.ts'

/** KubeVirt's VirtualMachineInstanceMigration phases (kubevirt.io/v1), plus `Unknown` when unset. */
export const MigrationPhase = Type.Enum([
  'Pending',
  'Scheduling',
  'Scheduled',
  'PreparingTarget',
  'TargetReady',
  'Running',
  'Succeeded',
  'Failed',
  'WaitingForSync',
  'Synchronizing',
  'Unknown',
])
export type MigrationPhase = Static<typeof MigrationPhase>

/** One live migration (a VirtualMachineInstanceMigration and the VMI's `migrationState`). */
export const VmMigration = Type.Object({
  namespace: K8sName,
  /** The migration object's name: the id to cancel it with. */
  name: Type.String(),
  vmName: Type.String(),
  phase: MigrationPhase,
  /** Neither Succeeded nor Failed: it can still be cancelled. */
  active: Type.Boolean(),
  sourceNode: Type.Optional(Type.String()),
  targetNode: Type.Optional(Type.String()),
  createdAt: Type.String(),
  startedAt: Type.Optional(Type.String()),
  endedAt: Type.Optional(Type.String()),
  /** Progress 0–100 where known (phase-based: the API carries no byte counts; metrics do). */
  progress: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  abortRequested: Type.Boolean(),
  abortStatus: Type.Optional(Type.String()),
  failureReason: Type.Optional(Type.String()),
  mode: Type.Optional(Type.String()),
  /** Created by an eviction (node drain) rather than a user. */
  evacuation: Type.Boolean(),
})
export type VmMigration = Static<typeof VmMigration>

export const VmMigrationList = Type.Object({ items: Type.Array(VmMigration) })
export type VmMigrationList = Static<typeof VmMigrationList>

/** A change to the migration set as it travels on the event stream (topic `migrations`). */
export type MigrationChange =
  { type: 'upsert'; migration: VmMigration } | { type: 'delete'; namespace: string; name: string }
