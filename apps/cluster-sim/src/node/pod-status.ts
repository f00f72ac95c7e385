import { createHash } from 'node:crypto'
import type { KObject } from '../kube/types.ts'
import { rfc3339 } from './kube-time.ts'

interface Container {
  name: string
  image?: string
}

export interface PodSpec {
  nodeName?: string
  hostNetwork?: boolean
  containers?: Container[]
  initContainers?: Container[]
  readinessGates?: { conditionType: string }[]
}

export interface PodCondition {
  type: string
  status: string
  reason?: string
  message?: string
  lastProbeTime?: string | null
  lastTransitionTime?: string
}

interface ContainerStatus {
  name: string
  ready?: boolean
  started?: boolean
  state?: { running?: { startedAt?: string }; terminated?: Record<string, unknown> }
  containerID?: string
}

export interface PodStatus {
  phase?: string
  conditions?: PodCondition[]
  podIP?: string
  hostIP?: string
  startTime?: string
  containerStatuses?: ContainerStatus[]
  initContainerStatuses?: ContainerStatus[]
}

export const specOfPod = (pod: KObject): PodSpec => (pod.spec as PodSpec | undefined) ?? {}
export const statusOfPod = (pod: KObject): PodStatus => (pod.status as PodStatus | undefined) ?? {}

/** A container runtime's id for a container of a pod: stable per pod uid and container. */
const containerId = (pod: KObject, name: string) =>
  `containerd://${createHash('sha256')
    .update(`${pod.metadata.uid ?? ''}/${name}`)
    .digest('hex')}`

/** The image reference the runtime resolved (repository@digest), as containerd reports it. */
const imageId = (image: string) =>
  `${image.replace(/[:@].*$/, '')}@sha256:${createHash('sha256').update(image).digest('hex')}`

/** A condition that keeps its lastTransitionTime while its status stays the same. */
function condition(
  previous: PodCondition[],
  type: string,
  status: string,
  now: string,
  reason?: string,
  message?: string,
): PodCondition {
  const before = previous.find((c) => c.type === type)
  return {
    type,
    status,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    lastProbeTime: null,
    lastTransitionTime:
      before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : now,
  }
}

/** Ready also waits for the pod's readiness gates (conditions that other components set). */
function readiness(
  pod: KObject,
  conditions: PodCondition[],
): { status: string; reason?: string; message?: string } {
  for (const gate of specOfPod(pod).readinessGates ?? []) {
    const gateCondition = conditions.find((c) => c.type === gate.conditionType)
    if (!gateCondition)
      return {
        status: 'False',
        reason: 'ReadinessGatesNotReady',
        message: `corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`,
      }
    if (gateCondition.status !== 'True')
      return {
        status: 'False',
        reason: 'ReadinessGatesNotReady',
        message: `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${gateCondition.status}`,
      }
  }
  return { status: 'True' }
}

/**
 * The status a kubelet posts for a pod whose containers all started and pass their probes: phase
 * Running, the pod's IPs, each container running and ready, init containers completed. PodScheduled
 * is the scheduler's and stays as it is (the patch merges conditions by type).
 */
export function runningStatus(
  pod: KObject,
  ips: { hostIP: string; podIP: string },
  at = new Date(),
): PodStatus & Record<string, unknown> {
  const now = rfc3339(at)
  const current = statusOfPod(pod)
  const previous = current.conditions ?? []
  const startTime = current.startTime ?? now
  const startedAt = (name: string) =>
    current.containerStatuses?.find((s) => s.name === name)?.state?.running?.startedAt ?? startTime
  const spec = specOfPod(pod)
  const ready = readiness(pod, previous)
  return {
    phase: 'Running',
    conditions: [
      condition(previous, 'PodReadyToStartContainers', 'True', now),
      condition(previous, 'Initialized', 'True', now),
      condition(previous, 'Ready', ready.status, now, ready.reason, ready.message),
      condition(previous, 'ContainersReady', 'True', now),
    ],
    hostIP: ips.hostIP,
    hostIPs: [{ ip: ips.hostIP }],
    podIP: ips.podIP,
    podIPs: [{ ip: ips.podIP }],
    startTime,
    ...(spec.initContainers?.length
      ? {
          initContainerStatuses: spec.initContainers.map((c) => ({
            name: c.name,
            image: c.image ?? '',
            imageID: imageId(c.image ?? ''),
            containerID: containerId(pod, c.name),
            ready: true,
            started: false,
            restartCount: 0,
            state: {
              terminated: {
                exitCode: 0,
                reason: 'Completed',
                startedAt: startTime,
                finishedAt: startTime,
                containerID: containerId(pod, c.name),
              },
            },
            lastState: {},
          })),
        }
      : {}),
    containerStatuses: (spec.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: imageId(c.image ?? ''),
      containerID: containerId(pod, c.name),
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: startedAt(c.name) } },
      lastState: {},
    })),
  }
}

/** Whether the pod's status in the API differs from what the kubelet would post for it now. */
export function differsFromRunning(pod: KObject, desired: PodStatus): boolean {
  const current = statusOfPod(pod)
  if (current.phase !== desired.phase || current.podIP !== desired.podIP) return true
  if (current.hostIP !== desired.hostIP) return true
  for (const want of desired.conditions ?? []) {
    const have = current.conditions?.find((c) => c.type === want.type)
    if (have?.status !== want.status || (have.reason ?? '') !== (want.reason ?? '')) return true
  }
  const ready = (statuses: ContainerStatus[] | undefined) =>
    (statuses ?? [])
      .map((s) => `${s.name}:${s.ready === true}:${s.state?.running ? 'run' : 'other'}`)
      .join()
  return ready(current.containerStatuses) !== ready(desired.containerStatuses)
}

/**
 * The status a kubelet posts once it has stopped a deleted pod's containers, before it asks the API
 * server to remove the pod: every container terminated (exit 0: simulated containers stop cleanly
 * on SIGTERM), not ready, and the pod in its terminal phase.
 */
export function terminatedStatus(pod: KObject, at = new Date()): Record<string, unknown> {
  const now = rfc3339(at)
  const current = statusOfPod(pod)
  const previous = current.conditions ?? []
  return {
    phase: 'Succeeded',
    conditions: [
      condition(previous, 'PodReadyToStartContainers', 'False', now),
      condition(previous, 'Ready', 'False', now, 'PodCompleted'),
      condition(previous, 'ContainersReady', 'False', now, 'PodCompleted'),
    ],
    containerStatuses: (specOfPod(pod).containers ?? []).map((c) => {
      const before = current.containerStatuses?.find((s) => s.name === c.name)
      const id = before?.containerID ?? containerId(pod, c.name)
      return {
        name: c.name,
        image: c.image ?? '',
        imageID: imageId(c.image ?? ''),
        containerID: id,
        ready: false,
        started: false,
        restartCount: 0,
        state: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: before?.state?.running?.startedAt ?? current.startTime ?? now,
            finishedAt: now,
            containerID: id,
          },
        },
        lastState: {},
      }
    }),
  }
}

/** Whether the kubelet ever started this pod's containers (then it reports them stopped). */
export const wasStarted = (pod: KObject): boolean =>
  (statusOfPod(pod).containerStatuses ?? []).some((s) => s.state?.running !== undefined)
