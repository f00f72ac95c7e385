import { Type, type Static } from 'typebox'
import { K8sName } from './common.ts'
import { VmPowerAction } from './operations.ts'

/** What one bulk action does to each VM: a power operation, a migration or a delete. */
export const BulkAction = Type.Enum([...VmPowerAction.enum, 'migrate', 'delete'])
export type BulkAction = Static<typeof BulkAction>

export const BulkTarget = Type.Object({ namespace: K8sName, name: K8sName })
export type BulkTarget = Static<typeof BulkTarget>

/** The most VMs one bulk action may name or match. */
export const BULK_MAX = 10_000

/**
 * `POST …/vms/bulk`: one action on many VMs, as one parent task with a child per VM. The VMs are
 * named (`targets`), or every VM the list's filter matches (`matching`, as `GET …/vms` reads it,
 * among the VMs the user may see), or the failed children of an earlier bulk task (`retryOf`).
 * `dryRun` answers how many VMs it would act on, and the first few, and does nothing.
 */
export const BulkRequest = Type.Object({
  action: BulkAction,
  targets: Type.Optional(Type.Array(BulkTarget, { minItems: 1, maxItems: BULK_MAX })),
  matching: Type.Optional(
    Type.Object({
      namespace: Type.Optional(K8sName),
      search: Type.Optional(Type.String({ maxLength: 253 })),
      status: Type.Optional(Type.String({ maxLength: 200 })),
      node: Type.Optional(Type.String({ maxLength: 253 })),
      folder: Type.Optional(Type.String({ maxLength: 200 })),
    }),
  ),
  retryOf: Type.Optional(Type.String({ maxLength: 253 })),
  dryRun: Type.Optional(Type.Boolean()),
})
export type BulkRequest = Static<typeof BulkRequest>

export const BulkAccepted = Type.Object({
  /** The parent task (absent on a dry run). */
  taskId: Type.Optional(Type.String()),
  /** How many VMs the action runs on. */
  count: Type.Integer(),
  /** The first VMs, for a preview. */
  sample: Type.Array(BulkTarget),
  message: Type.String(),
})
export type BulkAccepted = Static<typeof BulkAccepted>
