// virt-handler's part of a VMI's life on this machine's nodes (kubevirt pkg/virt-handler/vm.go):
// once virt-controller hands a VMI over (phase Scheduled, status.nodeName one of ours), start the
// domain (a QEMU guest standing in for virt-launcher's libvirt domain) and report it Running;
// keep the guest-side status current; shut the domain down when the VMI or its pod is deleted;
// report Succeeded or Failed when the domain is gone. Everything else (the pod, Scheduled, Ready,
// removing finalizers, deleting the pod) is virt-controller's, which runs for real.
import type { KObject } from '../kube/types.ts'
import {
  isFinal,
  phaseOf,
  removeCondition,
  splitKey,
  type Condition,
} from '../kubevirt/k8s-util.ts'
import { specOf } from '../controllers/context.ts'
import { MACHINE_TYPE } from './node-labeller.ts'
import type { HandlerContext } from './handler-context.ts'
import { afterWrite, stepMigration } from './migration.ts'
import {
  applyHandlerConditions,
  interfacesOf,
  liveMigratable,
  volumeStatusAccessModes,
} from './vmi-status.ts'

const COMPONENT = 'virt-handler'

interface Status {
  phase?: string
  nodeName?: string
  conditions?: Condition[]
  interfaces?: Record<string, unknown>[]
  guestOSInfo?: Record<string, unknown>
  [field: string]: unknown
}

const statusOf = (vmi: KObject) => (vmi.status ??= {}) as Status

/** The VMI's launcher pod on its node (a migration target's pod is another node's business). */
function launcherPod(ctx: HandlerContext, vmi: KObject): KObject | undefined {
  const node = statusOf(vmi).nodeName
  return ctx.pods
    .podsOf(vmi.metadata.uid ?? '')
    .find((pod) => (pod.spec as { nodeName?: string } | undefined)?.nodeName === node)
}

export async function syncVmi(ctx: HandlerContext, key: string): Promise<void> {
  const [namespace, name] = splitKey(key)
  const { store, defs, runtime, events } = ctx
  const stored = store.peek(defs.vmi, namespace, name)
  const guestFor = (uid: string) => runtime.state(uid)
  if (!stored) return
  const uid = stored.metadata.uid ?? ''
  const status = statusOf(structuredClone(stored))
  if (!status.nodeName || !ctx.nodes.has(status.nodeName)) return
  const vmi = structuredClone(stored)
  const guest = guestFor(uid)
  const pod = launcherPod(ctx, vmi)
  const spec = specOf(vmi)
  const write = async () => {
    stampPhaseTransition(statusOf(stored).phase, statusOf(vmi))
    if (JSON.stringify(vmi) !== JSON.stringify(stored)) await store.update(defs.vmi, vmi)
  }
  const alive = guest && (guest.status === 'running' || guest.status === 'starting')

  if (isFinal(vmi)) {
    // The domain must not outlive a final VMI; virt-controller deletes the pod.
    if (alive) runtime.kill(uid)
    else if (guest) runtime.forget(uid)
    return
  }
  const forced = pod?.metadata.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === 0
  if ((!pod || forced) && !vmi.metadata.deletionTimestamp) {
    // The pod is gone without a graceful stop (force-deleted, its node lost): its containers, and
    // QEMU in them, were killed; virt-controller fails the VMI whose pod vanished.
    if (alive) runtime.kill(uid)
    return
  }
  if (vmi.metadata.deletionTimestamp || !pod || pod.metadata.deletionTimestamp) {
    if (alive) {
      if (!guest.stopping) {
        runtime.stop(uid, spec.terminationGracePeriodSeconds ?? 180)
        events.record(vmi, 'Normal', 'ShuttingDown', 'Signaled Graceful Shutdown', COMPONENT)
      }
      return
    }
    if (phaseOf(vmi) !== 'Running' && phaseOf(vmi) !== 'Scheduled') return
    return finish(ctx, vmi, guest?.exitReason === 'shutdown', write)
  }

  switch (phaseOf(vmi)) {
    case 'Scheduled': {
      if (!guest) {
        // The guest runtime calls back (and the VMI is synced again) once the domain runs.
        runtime.start(uid, namespace, name, { paused: spec.startStrategy === 'Paused' })
        return
      }
      if (guest.status === 'starting') return
      if (guest.status !== 'running') {
        statusOf(vmi).phase = 'Failed'
        events.record(
          vmi,
          'Warning',
          'SyncFailed',
          guest.message ?? 'The VirtualMachineInstance crashed.',
          COMPONENT,
        )
        return write()
      }
      events.record(vmi, 'Normal', 'Created', 'VirtualMachineInstance defined.', COMPONENT)
      events.record(vmi, 'Normal', 'Started', 'VirtualMachineInstance started.', COMPONENT)
      statusOf(vmi).phase = 'Running'
      statusOf(vmi).migrationMethod = 'BlockMigration'
      statusOf(vmi).machine = { type: MACHINE_TYPE }
      // virt-handler reports the launcher's SELinux context, "none" on a host without SELinux;
      // virt-controller needs it to create a migration's target pod.
      statusOf(vmi).selinuxContext = 'none'
      report(ctx, vmi, pod, guest.agentConnected, guest.paused)
      return write()
    }
    case 'Running': {
      if (!guest || guest.status === 'exited' || guest.status === 'failed')
        return finish(ctx, vmi, guest?.exitReason === 'shutdown', write)
      if (guest.status === 'starting') return
      stepMigration(ctx, vmi)
      // After a hand-over the VMI's pod is the one on the target node.
      report(ctx, vmi, launcherPod(ctx, vmi) ?? pod, guest.agentConnected, guest.paused)
      await write()
      return afterWrite(ctx, vmi)
    }
  }
}

/**
 * virt-handler records each phase it sets in `status.phaseTransitionTimestamps`
 * (controller.SetVMIPhaseTransitionTimestamp). virt-controller's VM controller reads it: a VMI
 * that ends without a Running entry counts as a failed start and puts the VM into
 * CrashLoopBackOff (vm.go wasVMIInRunningPhase), so a restart would wait out a back-off.
 */
function stampPhaseTransition(before: string | undefined, status: Status): void {
  const phase = status.phase
  if (!phase || phase === before) return
  const stamps = (status.phaseTransitionTimestamps ??= []) as {
    phase?: string
    phaseTransitionTimestamp?: string
  }[]
  if (stamps.some((stamp) => stamp.phase === phase)) return
  stamps.push({ phase, phaseTransitionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') })
}

function report(ctx: HandlerContext, vmi: KObject, pod: KObject, agent: boolean, paused: boolean) {
  const podIP = (pod.status as { podIP?: string } | undefined)?.podIP ?? ''
  statusOf(vmi).interfaces = interfacesOf(vmi, podIP, agent)
  applyHandlerConditions(vmi, {
    migratable: liveMigratable(vmi, volumeStatusAccessModes(vmi)),
    agent,
    paused,
    kernelRelease: ctx.runtime.kernelRelease,
  })
}

/** The domain is gone: Succeeded after a clean shutdown, Failed otherwise. */
function finish(
  ctx: HandlerContext,
  vmi: KObject,
  clean: boolean,
  write: () => Promise<void>,
): Promise<void> {
  const status = statusOf(vmi)
  status.phase = clean ? 'Succeeded' : 'Failed'
  ctx.events.record(
    vmi,
    clean ? 'Normal' : 'Warning',
    'Stopped',
    clean ? 'The VirtualMachineInstance was shut down.' : 'The VirtualMachineInstance crashed.',
    COMPONENT,
  )
  status.conditions = removeCondition(
    removeCondition(status.conditions ?? [], 'AgentConnected'),
    'Paused',
  )
  status.guestOSInfo = {}
  return write()
}
