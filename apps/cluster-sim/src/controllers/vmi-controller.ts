// The VirtualMachineInstance life cycle as virt-controller and virt-handler drive it:
// Pending → Scheduling (virt-launcher pod created) → Scheduled (pod bound to a node) →
// Running (guest up) → Succeeded (guest powered off / stopped) or Failed (crash, pod gone).
// kube-scheduler binds the pod and a kubelet (src/node) runs it; the VMI is handed over once the
// pod runs, pods are deleted gracefully, and the kubelet finishes their deletion.
import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import {
  type Condition,
  isFinal,
  now,
  parseQuantity,
  phaseOf,
  removeCondition,
  setCondition,
  splitKey,
  mib,
  milliCpu,
} from '../kubevirt/k8s-util.ts'
import { specOf, type KubevirtContext, type VmiSpec } from './context.ts'
import {
  applyHandlerConditions,
  claimAccessModes,
  interfacesOf,
  liveMigratable,
  ordinalOf,
} from '../virt-handler/vmi-status.ts'

export const VMI_FINALIZER = 'foregroundDeleteVirtualMachine'
export const LAUNCHER_IMAGE = 'quay.io/kubevirt/virt-launcher:v1.9.0'
const HANDLER = 'virt-handler'
const CONTROLLER = 'virtualmachine-controller'

export interface VmiStatus {
  phase?: string
  phaseTransitionTimestamps?: { phase: string; phaseTransitionTimestamp: string }[]
  nodeName?: string
  reason?: string
  conditions?: Condition[]
  interfaces?: Record<string, unknown>[]
  guestOSInfo?: Record<string, unknown>
  migrationState?: Record<string, unknown>
  evacuationNodeName?: string
  activePods?: Record<string, string>
  [field: string]: unknown
}

export const statusOf = (vmi: KObject): VmiStatus => (vmi.status ??= {}) as VmiStatus

export function setPhase(vmi: KObject, phase: string): void {
  const status = statusOf(vmi)
  if (status.phase === phase) return
  status.phase = phase
  status.phaseTransitionTimestamps = [
    ...(status.phaseTransitionTimestamps ?? []),
    { phase, phaseTransitionTimestamp: now() },
  ]
}

/** vCPUs = sockets × cores × threads. */
export const vcpusOf = (spec: VmiSpec): number => {
  const cpu = spec.domain?.cpu ?? {}
  return (cpu.sockets ?? 1) * (cpu.cores ?? 1) * (cpu.threads ?? 1)
}

/** The launcher pod's requests: 100m per vCPU (cpuAllocationRatio 10), guest memory + overhead. */
export function launcherRequests(spec: VmiSpec): { cpu: string; memory: string } {
  const requests = spec.domain?.resources?.requests ?? {}
  const guest = parseQuantity(spec.domain?.memory?.guest ?? requests.memory ?? '1Gi')
  const overhead = 220 * 1024 ** 2 + vcpusOf(spec) * 8 * 1024 ** 2
  return {
    cpu: requests.cpu ?? milliCpu(vcpusOf(spec) / 10),
    memory: mib(guest + overhead),
  }
}

/** The pod the VMI currently runs in (the migration target's once a migration finished). */
export function launcherPodOf(ctx: KubevirtContext, vmi: KObject): KObject | undefined {
  const pods = ctx.pods
    .podsOf(vmi.metadata.uid ?? '')
    .filter(
      (p) =>
        !p.metadata.labels?.['kubevirt.io/migrationJobUID'] ||
        (p.spec as { nodeName?: string }).nodeName === statusOf(vmi).nodeName,
    )
  const node = statusOf(vmi).nodeName
  if (node) {
    return pods.find(
      (p) =>
        (p.spec as { nodeName?: string }).nodeName === node &&
        phaseOf(p) !== 'Succeeded' &&
        phaseOf(p) !== 'Failed',
    )
  }
  return pods.find((p) => !p.metadata.labels?.['kubevirt.io/migrationJobUID'])
}

export function newLauncherPod(vmi: KObject, extra: { migrationUid?: string } = {}): KObject {
  const spec = specOf(vmi)
  const { cpu, memory } = launcherRequests(spec)
  const name = vmi.metadata.name ?? ''
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `virt-launcher-${name}-`,
      namespace: vmi.metadata.namespace,
      labels: {
        ...(vmi.metadata.labels ?? {}),
        'kubevirt.io': 'virt-launcher',
        'kubevirt.io/created-by': vmi.metadata.uid ?? '',
        'vm.kubevirt.io/name': name,
        ...(extra.migrationUid ? { 'kubevirt.io/migrationJobUID': extra.migrationUid } : {}),
      },
      annotations: {
        'kubevirt.io/domain': name,
        'kubectl.kubernetes.io/default-container': 'compute',
        'kubevirt.io/migrationTransportUnix': 'true',
      },
      ownerReferences: [
        {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineInstance',
          name,
          uid: vmi.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      containers: [
        {
          name: 'compute',
          image: LAUNCHER_IMAGE,
          command: ['/usr/bin/virt-launcher-monitor', '--qemu-timeout', '250s', '--name', name],
          resources: {
            requests: {
              cpu,
              memory,
              'devices.kubevirt.io/kvm': '1',
              'devices.kubevirt.io/tun': '1',
              'devices.kubevirt.io/vhost-net': '1',
            },
            limits: {
              'devices.kubevirt.io/kvm': '1',
              'devices.kubevirt.io/tun': '1',
              'devices.kubevirt.io/vhost-net': '1',
            },
          },
          volumeMounts: [{ name: 'private', mountPath: '/var/run/kubevirt-private' }],
        },
      ],
      volumes: [{ name: 'private', emptyDir: {} }],
      nodeSelector: { 'kubevirt.io/schedulable': 'true', ...(spec.nodeSelector ?? {}) },
      restartPolicy: 'Never',
      schedulerName: 'default-scheduler',
      // As virt-controller's template: no service account token unless the VMI asks for one
      // (the API server still defaults serviceAccountName to the namespace's `default`).
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: (spec.terminationGracePeriodSeconds ?? 180) + 15,
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  }
}

/** Node InternalIPs 192.168.122.11… and pod CIDRs 10.244.<n>.0/24, from the node's ordinal. */
export const nodeIndex = ordinalOf
export const nodeIp = (node: string): string => `192.168.122.${10 + nodeIndex(node)}`

export async function reconcileVmi(ctx: KubevirtContext, key: string): Promise<void> {
  const [namespace, name] = splitKey(key)
  const { store, defs, runtime, events } = ctx
  const stored = store.peek(defs.vmi, namespace, name)
  if (!stored) return
  const vmi = structuredClone(stored)
  const uid = vmi.metadata.uid ?? ''
  const status = statusOf(vmi)
  const spec = specOf(vmi)
  const guest = runtime.state(uid)
  const pod = launcherPodOf(ctx, vmi)
  const write = () => store.update(defs.vmi, vmi)

  if (vmi.metadata.deletionTimestamp) {
    // virt-controller deletes the pods at once; their grace period is virt-launcher's time to
    // shut the guest down, and the kubelet removes them when it has stopped their containers.
    await deletePods(ctx, vmi)
    if (!isFinal(vmi)) {
      const alive = guest && (guest.status === 'running' || guest.status === 'starting')
      if (alive) {
        if (!guest.stopping) {
          runtime.stop(uid, spec.terminationGracePeriodSeconds ?? 180)
          events.record(vmi, 'Normal', 'ShuttingDown', 'Signaled Graceful Shutdown', HANDLER)
          status.conditions = setCondition(status.conditions ?? [], {
            type: 'Ready',
            status: 'False',
            reason: 'PodTerminating',
            message: 'virt-launcher pod is terminating',
          })
          await write()
        }
        return
      }
      setPhase(vmi, guest?.exitReason === 'crash' ? 'Failed' : 'Succeeded')
      if (guest)
        events.record(
          vmi,
          'Normal',
          'Stopped',
          'The VirtualMachineInstance was shut down.',
          HANDLER,
        )
      status.conditions = setCondition(status.conditions ?? [], {
        type: 'Ready',
        status: 'False',
        reason: 'PodTerminating',
        message: 'virt-launcher pod is terminating',
      })
    }
    // The finalizer stays until every pod is gone (virt-controller's updateStatus for final
    // VMIs): pod events bring us back.
    if (ctx.pods.podsOf(uid).length > 0) {
      if (JSON.stringify(vmi) !== JSON.stringify(stored)) await write()
      return
    }
    runtime.forget(uid)
    vmi.metadata.finalizers = (vmi.metadata.finalizers ?? []).filter((f) => f !== VMI_FINALIZER)
    await write()
    return
  }

  switch (status.phase ?? '') {
    case '': {
      vmi.metadata.finalizers = [...new Set([...(vmi.metadata.finalizers ?? []), VMI_FINALIZER])]
      setPhase(vmi, 'Pending')
      status.guestOSInfo = {}
      status.qosClass = 'Burstable'
      status.launcherContainerImageVersion = LAUNCHER_IMAGE
      status.runtimeUser = 107
      status.selinuxContext = 'none'
      status.machine = { type: 'pc-q35-rhel9.6.0' }
      status.currentCPUTopology = {
        cores: spec.domain?.cpu?.cores ?? 1,
        sockets: spec.domain?.cpu?.sockets ?? 1,
        threads: spec.domain?.cpu?.threads ?? 1,
      }
      const guestMemory = spec.domain?.memory?.guest ?? spec.domain?.resources?.requests?.memory
      if (guestMemory)
        status.memory = {
          guestAtBoot: guestMemory,
          guestCurrent: guestMemory,
          guestRequested: guestMemory,
        }
      status.conditions = setCondition([], {
        type: 'Ready',
        status: 'False',
        reason: 'PodNotExists',
        message: 'virt-launcher pod has not yet been scheduled',
      })
      await write()
      return
    }
    case 'Pending': {
      if (!pod) {
        const created = await store.create(defs.pod, newLauncherPod(vmi))
        events.record(
          vmi,
          'Normal',
          'SuccessfulCreate',
          `Created virtual machine pod ${created.metadata.name}`,
          CONTROLLER,
        )
      }
      setPhase(vmi, 'Scheduling')
      await write()
      return
    }
    case 'Scheduling': {
      if (!pod) {
        setPhase(vmi, 'Failed')
        status.reason = 'PodNotExists'
        await write()
        return
      }
      await handOver(ctx, vmi, pod, stored)
      return
    }
    case 'Scheduled': {
      if (!pod) {
        setPhase(vmi, 'Failed')
        status.reason = 'PodNotExists'
        await write()
        return
      }
      if (!guest) {
        runtime.start(uid, namespace, name, { paused: spec.startStrategy === 'Paused' })
        const started = runtime.state(uid)
        if (started?.status !== 'running' && started?.status !== 'failed') return
        return await reconcileVmi(ctx, key)
      }
      if (guest.status === 'starting') return
      if (guest.status === 'failed' || guest.status === 'exited') {
        setPhase(vmi, 'Failed')
        events.record(
          vmi,
          'Warning',
          'SyncFailed',
          guest.message ?? 'The VirtualMachineInstance crashed.',
          HANDLER,
        )
        await write()
        return
      }
      // The kubelet runs the pod and gave it its address.
      const podIP = podIpOf(pod)
      events.record(vmi, 'Normal', 'Created', 'VirtualMachineInstance defined.', HANDLER)
      events.record(vmi, 'Normal', 'Started', 'VirtualMachineInstance started.', HANDLER)
      setPhase(vmi, 'Running')
      status.interfaces = interfacesOf(vmi, podIP, guest.agentConnected)
      status.migrationMethod = 'BlockMigration'
      status.migrationTransport = 'Unix'
      status.volumeStatus = (spec.volumes ?? []).map((v, i) => ({
        name: v.name,
        target: `vd${String.fromCharCode(97 + i)}`,
      }))
      applyRunningConditions(ctx, vmi, guest.agentConnected, guest.paused)
      await write()
      return
    }
    case 'Running': {
      if (!pod) {
        if (guest && guest.status !== 'exited') {
          runtime.kill(uid)
          return
        }
        setPhase(vmi, 'Failed')
        status.reason = 'PodNotExists'
        status.conditions = setCondition(status.conditions ?? [], {
          type: 'Ready',
          status: 'False',
          reason: 'PodNotExists',
          message: 'virt-launcher pod does not exist',
        })
        events.record(vmi, 'Warning', 'Stopped', 'The VirtualMachineInstance crashed.', HANDLER)
        runtime.forget(uid)
        await write()
        return
      }
      if (!guest || guest.status === 'exited' || guest.status === 'failed') {
        const clean = guest?.exitReason === 'shutdown'
        setPhase(vmi, clean ? 'Succeeded' : 'Failed')
        events.record(
          vmi,
          clean ? 'Normal' : 'Warning',
          'Stopped',
          clean
            ? 'The VirtualMachineInstance was shut down.'
            : 'The VirtualMachineInstance crashed.',
          HANDLER,
        )
        status.conditions = setCondition(status.conditions ?? [], {
          type: 'Ready',
          status: 'False',
          reason: 'PodTerminating',
          message: 'virt-launcher pod is terminating',
        })
        status.conditions = removeCondition(
          removeCondition(status.conditions, 'AgentConnected'),
          'Paused',
        )
        status.guestOSInfo = {}
        await write()
        return
      }
      if (pod.metadata.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === 0) {
        // Force-deleted: the container runtime kills virt-launcher and QEMU with it.
        runtime.kill(uid)
        return
      }
      if (pod.metadata.deletionTimestamp && !guest.stopping) {
        // The pod is being deleted (eviction, drain, a user): virt-launcher got SIGTERM and
        // shuts the guest down within the pod's grace period.
        runtime.stop(uid, spec.terminationGracePeriodSeconds ?? 180)
        events.record(vmi, 'Normal', 'ShuttingDown', 'Signaled Graceful Shutdown', HANDLER)
        return
      }
      const podIP = podIpOf(pod)
      status.interfaces = interfacesOf(vmi, podIP, guest.agentConnected)
      applyRunningConditions(ctx, vmi, guest.agentConnected, guest.paused)
      await write()
      return
    }
    default:
      // Succeeded / Failed: final. Make sure no guest lingers.
      if (guest && guest.status !== 'exited' && guest.status !== 'failed') runtime.kill(uid)
      // The guest's virt-launcher has exited; our kubelet does not run one, so the pod is
      // deleted in its stead (its owner VM or user sees the VMI final, as with KubeVirt).
      await deletePods(ctx, vmi)
  }
}

const podIpOf = (pod: KObject): string =>
  (pod.status as { podIP?: string } | undefined)?.podIP ?? ''

/**
 * virt-controller's `IsPodReady`: the pod runs (phase Running, compute container running) and
 * is not going down; then the VMI is handed over to virt-handler on the pod's node.
 */
export function isPodReady(pod: KObject): boolean {
  if (isPodGoingDown(pod)) return false
  const status = pod.status as
    | {
        phase?: string
        containerStatuses?: { name: string; ready?: boolean; state?: { running?: object } }[]
      }
    | undefined
  for (const c of status?.containerStatuses ?? []) {
    if (c.name === 'compute' ? !c.state?.running : !c.ready) return false
  }
  return status?.phase === 'Running'
}

/** virt-controller's `IsPodDownOrGoingDown`: final, compute container terminated, or deleted. */
export function isPodGoingDown(pod: KObject): boolean {
  const status = pod.status as
    | { phase?: string; containerStatuses?: { name: string; state?: { terminated?: object } }[] }
    | undefined
  return (
    status?.phase === 'Succeeded' ||
    status?.phase === 'Failed' ||
    !!status?.containerStatuses?.some((c) => c.name === 'compute' && c.state?.terminated) ||
    !!pod.metadata.deletionTimestamp
  )
}

/**
 * The Scheduling phase (virt-controller's updateStatus): kube-scheduler binds
 * the pod, or says why not in its PodScheduled condition, which the VMI gets a copy of; once the
 * kubelet runs the pod, the VMI is Scheduled on the pod's node.
 */
async function handOver(
  ctx: KubevirtContext,
  vmi: KObject,
  pod: KObject,
  stored: KObject,
): Promise<void> {
  const status = statusOf(vmi)
  const podConditions = (pod.status as { conditions?: Condition[] } | undefined)?.conditions ?? []
  const scheduled = podConditions.find((c) => c.type === 'PodScheduled')
  if (scheduled?.status === 'False') {
    // As KubeVirt's AddPodCondition: the pod's condition, verbatim.
    status.conditions = [
      ...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
      structuredClone(scheduled),
    ]
  } else {
    status.conditions = removeCondition(status.conditions ?? [], 'PodScheduled')
  }
  if (isPodReady(pod) && !vmi.metadata.deletionTimestamp) {
    const node = (pod.spec as { nodeName?: string }).nodeName ?? ''
    status.nodeName = node
    vmi.metadata.labels = { ...(vmi.metadata.labels ?? {}), 'kubevirt.io/nodeName': node }
    status.activePods = { [pod.metadata.uid ?? '']: node }
    setPhase(vmi, 'Scheduled')
  } else if (isPodGoingDown(pod)) {
    setPhase(vmi, 'Failed')
  }
  if (JSON.stringify(vmi) !== JSON.stringify(stored)) await ctx.store.update(ctx.defs.vmi, vmi)
}

/**
 * virt-controller's deleteAllMatchingPods: every pod of the VMI is deleted (gracefully: the
 * kubelet finishes it), except those already going away.
 */
async function deletePods(ctx: KubevirtContext, vmi: KObject): Promise<void> {
  for (const pod of ctx.pods.podsOf(vmi.metadata.uid ?? '')) {
    if (pod.metadata.deletionTimestamp) continue
    try {
      await ctx.store.delete(ctx.defs.pod, pod.metadata.namespace, pod.metadata.name ?? '', {
        uid: pod.metadata.uid ?? '',
      })
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) continue
      throw error
    }
    ctx.events.record(
      vmi,
      'Normal',
      'SuccessfulDelete',
      `Deleted virtual machine pod ${pod.metadata.name}`,
      CONTROLLER,
    )
  }
}

function applyRunningConditions(
  ctx: KubevirtContext,
  vmi: KObject,
  agent: boolean,
  paused: boolean,
): void {
  const status = statusOf(vmi)
  status.conditions = setCondition(status.conditions ?? [], { type: 'Ready', status: 'True' })
  applyHandlerConditions(vmi, {
    migratable: liveMigratable(vmi, (ns, claim) =>
      claimAccessModes(ctx.store, ctx.defs, ns, claim),
    ),
    agent,
    paused,
    kernelRelease: ctx.runtime.kernelRelease,
  })
}
