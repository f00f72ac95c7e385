// virt-handler's half of a live migration (kubevirt v1.8.2 pkg/virt-handler/migration-source.go,
// migration-target.go); virt-controller's half (the target pod, the hand-off into
// status.migrationState, the VMIM phases, the abort request) runs for real. The protocol, as
// both handlers see it in the VMI:
// - virt-controller hands off: migrationState {migrationUid, sourceNode, targetNode, targetPod}
//   and the label kubevirt.io/migrationTargetNodeName=<target>;
// - the target's handler prepares and advertises where it listens: targetNodeAddress and
//   targetDirectMigrationNodePorts (virt-controller: PreparingTarget → TargetReady);
// - the source's handler starts the transfer: startTimestamp, mode (TargetReady → Running);
// - afterwards the target's handler takes the VMI over: targetNodeDomainDetected,
//   targetNodeDomainReadyTimestamp, endTimestamp, status.nodeName and the kubevirt.io/nodeName
//   label, completed, the target label removed (Running → Succeeded);
// - a failure or an abort (virt-controller sets abortRequested) ends with failed, endTimestamp,
//   failureReason and, for an abort, abortStatus Succeeded (virt-controller: Failed).
// One process plays every node's handler here, so source and target act in the same sync.
import type { KObject } from '../kube/types.ts'
import { now } from '../kubevirt/k8s-util.ts'
import {
  migrationSettings,
  type MigrationConfiguration,
} from '../kubevirt/migration-configuration.ts'
import type { HandlerContext, Transfer } from './handler-context.ts'

const COMPONENT = 'virt-handler'
const TARGET_NODE_LABEL = 'kubevirt.io/migrationTargetNodeName'
const NODE_LABEL = 'kubevirt.io/nodeName'
/** virt-handler's migration proxy listens on this port for the domain (virt-handler's default). */
const MIGRATION_PORT = '49152'

export interface MigrationState {
  migrationUid?: string
  sourceNode?: string
  targetNode?: string
  targetPod?: string
  targetNodeAddress?: string
  targetDirectMigrationNodePorts?: Record<string, number>
  targetNodeDomainDetected?: boolean
  targetNodeDomainReadyTimestamp?: string
  startTimestamp?: string
  endTimestamp?: string
  completed?: boolean
  failed?: boolean
  failureReason?: string
  abortRequested?: boolean
  abortStatus?: string
  mode?: string
  /** virt-controller's decision from the KubeVirt CR and the MigrationPolicy that applies. */
  migrationConfiguration?: MigrationConfiguration
}

const stateOf = (vmi: KObject) =>
  (vmi.status as { migrationState?: MigrationState } | undefined)?.migrationState

/**
 * Moves the VMI's migration one step on (changing `vmi` in place); true when `vmi` changed and
 * must be written. Called for a Running VMI whose source or target node is one of ours.
 */
export function stepMigration(ctx: HandlerContext, vmi: KObject): boolean {
  const state = stateOf(vmi)
  const uid = vmi.metadata.uid ?? ''
  const transfer = ctx.transfers.get(uid)
  if (!state?.migrationUid || state.endTimestamp || state.completed || state.failed) return false
  const status = vmi.status as { nodeName?: string }
  const source = ctx.nodes.has(status.nodeName ?? '') && state.sourceNode === status.nodeName
  const target =
    !!state.targetNode &&
    ctx.nodes.has(state.targetNode) &&
    vmi.metadata.labels?.[TARGET_NODE_LABEL] === state.targetNode

  if (transfer?.migrationUID === state.migrationUid && transfer.outcome) {
    // The transfer is forgotten once this is written (afterWrite): a lost write is redone.
    return transfer.outcome.failed
      ? fail(ctx, vmi, state, transfer.outcome.reason, transfer.outcome.aborted)
      : takeOver(ctx, vmi, state)
  }
  if (target && !state.targetNodeAddress) {
    const address = ctx.nodeAddresses.get(state.targetNode ?? '') ?? ''
    state.targetNodeAddress = address
    state.targetDirectMigrationNodePorts = { [MIGRATION_PORT]: 0 }
    ctx.events.record(
      vmi,
      'Normal',
      'PreparingTarget',
      `Migration Target is listening at ${address}, on ports: ${MIGRATION_PORT}`,
      COMPONENT,
    )
    return true
  }
  if (!source || !state.targetNodeAddress) return false
  if (state.abortRequested) {
    if (!transfer) return fail(ctx, vmi, state, 'Migration aborted', true)
    if (!transfer.aborting) {
      transfer.aborting = true
      ctx.runtime.cancelMigration(uid)
    }
    return false
  }
  if (state.startTimestamp || transfer) return false
  state.startTimestamp = now()
  state.mode = 'PreCopy'
  ctx.events.record(vmi, 'Normal', 'Migrating', 'VirtualMachineInstance is migrating.', COMPONENT)
  return true
}

/**
 * What follows a written step: the transfer whose start was written runs (its end syncs the
 * VMI again); a written outcome forgets the transfer, and after a hand-over the source's
 * virt-launcher exits, which its kubelet reports as the pod's completion.
 */
export async function afterWrite(ctx: HandlerContext, vmi: KObject): Promise<void> {
  const state = stateOf(vmi)
  const uid = vmi.metadata.uid ?? ''
  const transfer = ctx.transfers.get(uid)
  if (transfer?.outcome && (state?.endTimestamp || transfer.migrationUID !== state?.migrationUid)) {
    ctx.transfers.delete(uid)
    if (!transfer.outcome.failed && state?.sourceNode) await ctx.completePods(vmi, state.sourceNode)
    else await releaseTarget(ctx, vmi, state)
    return
  }
  if (!transfer) await releaseTarget(ctx, vmi, state)
  if (state?.startTimestamp && !state.endTimestamp && !transfer && state.migrationUid)
    startTransfer(ctx, vmi, state.migrationUid)
}

/**
 * After a failed or aborted migration the target's virt-launcher exits (its domain never took
 * over), which its kubelet reports as the pod's completion: virt-controller then drops it from
 * the VMI's active pods, and only then starts the VMI's next migration.
 */
async function releaseTarget(
  ctx: HandlerContext,
  vmi: KObject,
  state: MigrationState | undefined,
): Promise<void> {
  const node = (vmi.status as { nodeName?: string } | undefined)?.nodeName
  if (!state?.failed || !state.endTimestamp || !state.targetNode || state.targetNode === node)
    return
  // Only that migration's target pod: the VMI's next migration may already have a new target pod
  // on the same node while its migrationState still describes the failed one (a retry to the
  // same node lost its target pod and failed although the transfer completed).
  if (!state.targetPod) return
  if (ctx.nodes.has(state.targetNode))
    await ctx.completePods(vmi, state.targetNode, state.targetPod)
}

function startTransfer(ctx: HandlerContext, vmi: KObject, migrationUID: string): void {
  const uid = vmi.metadata.uid ?? ''
  // As virt-handler passes the configuration to virt-launcher: bandwidth, auto-converge, timeouts.
  const settings = migrationSettings(stateOf(vmi)?.migrationConfiguration, vmi)
  const transfer: Transfer = { migrationUID }
  ctx.transfers.set(uid, transfer)
  const done = (outcome: NonNullable<Transfer['outcome']>) => {
    transfer.outcome = outcome
    ctx.resync(vmi)
  }
  ctx.runtime
    .migrate(uid, () => {}, settings)
    .then(
      () => done({ failed: false }),
      (error: unknown) =>
        done({
          failed: true,
          reason: (error as Error).message,
          aborted: transfer.aborting === true,
        }),
    )
}

const EVICTION_SOURCE_ANNOTATION = 'kubevirt.io/eviction-source'

/** The target node's handler sees the domain running there and takes the VMI over. */
function takeOver(ctx: HandlerContext, vmi: KObject, state: MigrationState): boolean {
  const target = state.targetNode ?? ''
  const at = now()
  state.targetNodeDomainDetected = true
  state.targetNodeDomainReadyTimestamp = at
  state.endTimestamp = at
  state.completed = true
  // Absent, not false: KubeVirt's Go types omit a false `failed`, and virt-controller's next
  // hand-off tests /status/migrationState against its own encoding (a JSON patch "test" op), which
  // a stored `"failed": false` would fail forever: the VM could never migrate again.
  delete state.failed
  const status = vmi.status as {
    nodeName?: string
    migrationTransport?: string
    evacuationNodeName?: string
  }
  status.nodeName = target
  status.migrationTransport = 'Unix'
  // The evacuation is over: a VMI still marked would be refused every later eviction ("Evacuation
  // in progress") and never migrated again (virt-handler's ackMigrationCompletion clears both).
  delete status.evacuationNodeName
  delete vmi.metadata.annotations?.[EVICTION_SOURCE_ANNOTATION]
  const labels = (vmi.metadata.labels ??= {})
  labels[NODE_LABEL] = target
  delete labels[TARGET_NODE_LABEL]
  ctx.events.record(
    vmi,
    'Normal',
    'Migrated',
    `The VirtualMachineInstance migrated to node ${target}.`,
    COMPONENT,
  )
  return true
}

/** The source's handler reports the failed (or aborted) transfer; the target lets go. */
function fail(
  ctx: HandlerContext,
  vmi: KObject,
  state: MigrationState,
  reason: string,
  aborted: boolean,
): boolean {
  state.failed = true
  state.endTimestamp = now()
  state.failureReason = reason
  if (aborted) state.abortStatus = 'Succeeded'
  delete vmi.metadata.labels?.[TARGET_NODE_LABEL]
  ctx.events.record(
    vmi,
    'Warning',
    'Migrated',
    `VirtualMachineInstance migration uid ${state.migrationUid} failed. reason:${reason}`,
    COMPONENT,
  )
  return true
}
