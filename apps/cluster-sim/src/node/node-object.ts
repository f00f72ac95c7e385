import { createHash } from 'node:crypto'
import type { KObject } from '../kube/types.ts'
import { parseQuantity } from '../kubevirt/k8s-util.ts'
import { rfc3339 } from './kube-time.ts'
import type { NodeSpec } from './node-spec.ts'

/** What the agent knows about itself beyond the spec: where its kubelet API is, which release. */
export interface NodeRuntime {
  /** The InternalIP: the address kube-apiserver reaches the kubelet API at. */
  address: string
  /** daemonEndpoints.kubeletEndpoint.Port. */
  port: number
  /** The control plane's gitVersion (kubelets run the same release as the API server). */
  kubeletVersion: string
}

const KI = 1024
/** The kubelet's default hard eviction thresholds: memory.available<100Mi, nodefs.available<10%. */
const EVICTION_MEMORY_KI = 100 * KI
const EVICTION_NODEFS_FRACTION = 0.1
/** What KubeVirt's device plugins advertise per node (virt-handler's kvm, tun, vhost-net). */
const KUBEVIRT_DEVICES = [
  'devices.kubevirt.io/kvm',
  'devices.kubevirt.io/tun',
  'devices.kubevirt.io/vhost-net',
]

export const arch = (): string =>
  ({ x64: 'amd64', arm64: 'arm64', s390x: 's390x', ppc64: 'ppc64le' })[process.arch as string] ??
  process.arch

/** The labels every kubelet sets on its Node (kubelet's `updateDefaultLabels`), plus KubeVirt's. */
export function nodeLabels(spec: NodeSpec): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': arch(),
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch(),
    'kubernetes.io/hostname': spec.name,
    'kubernetes.io/os': 'linux',
    // virt-handler marks the nodes it runs on; launcher pods select it.
    'kubevirt.io/schedulable': 'true',
    // virt-handler's node labeller publishes the machine types QEMU supports; virt-controller's
    // launcher pods select the VMI's one (q35 by default on x86_64).
    'machine-type.node.kubevirt.io/q35': 'true',
    ...spec.labels,
  }
}

/**
 * Odd Ki: a machine's memory as the kernel reports it is never a round number of MiB (firmware
 * and the kernel keep some), so the kubelet's quantity serialises in Ki, e.g. `32756120Ki`.
 */
function machineKi(nominalBytes: number, usable: number): number {
  const ki = Math.floor((nominalBytes / KI) * usable)
  return ki % 2 === 0 ? ki - 1 : ki
}

/** capacity and allocatable as a kubelet computes them from the machine and its config. */
export function nodeResources(spec: NodeSpec): {
  capacity: Record<string, string>
  allocatable: Record<string, string>
} {
  const {
    cpu,
    memory,
    pods = '110',
    'ephemeral-storage': disk = '100Gi',
    ...extended
  } = spec.capacity
  const memoryKi = machineKi(parseQuantity(memory), 0.985)
  const diskKi = machineKi(parseQuantity(disk), 0.97)
  const devices = Object.fromEntries(KUBEVIRT_DEVICES.map((name) => [name, '1k']))
  const shared = { cpu, pods, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', ...devices, ...extended }
  return {
    capacity: { ...shared, memory: `${memoryKi}Ki`, 'ephemeral-storage': `${diskKi}Ki` },
    allocatable: {
      ...shared,
      memory: `${memoryKi - EVICTION_MEMORY_KI}Ki`,
      // The kubelet reports allocatable storage in plain bytes (capacity minus the threshold).
      'ephemeral-storage': String(Math.floor(diskKi * KI * (1 - EVICTION_NODEFS_FRACTION))),
    },
  }
}

/** A stable machine identity per node name (machine-id, product UUID, boot id). */
function machineIds(name: string): { machineID: string; systemUUID: string; bootID: string } {
  const hex = createHash('sha256').update(`vmdeck-node:${name}`).digest('hex')
  const uuid = (h: string) =>
    `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
  return {
    machineID: hex.slice(0, 32),
    systemUUID: uuid(hex.slice(32)),
    bootID: uuid(hex.slice(16)),
  }
}

interface Condition {
  type: string
  status: string
  reason: string
  message: string
  lastHeartbeatTime: string
  lastTransitionTime: string
}

/**
 * The node's condition set as a healthy kubelet posts it, keeping each condition's
 * lastTransitionTime when its status did not change (the node lifecycle controller may have
 * turned Ready to Unknown while the agent was down: then Ready transitions now).
 */
function nodeConditions(previous: Condition[], now: string): Condition[] {
  const posted: [string, string, string, string][] = [
    [
      'MemoryPressure',
      'False',
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    ],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
  ]
  return posted.map(([type, status, reason, message]) => {
    const before = previous.find((c) => c.type === type)
    return {
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: before?.status === status ? before.lastTransitionTime : now,
    }
  })
}

/** Node.status as the kubelet posts it (kubelet's setters in pkg/kubelet/nodestatus). */
export function nodeStatus(
  spec: NodeSpec,
  runtime: NodeRuntime,
  previous: KObject | undefined,
  now = new Date(),
): Record<string, unknown> {
  const before = (previous?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []
  return {
    ...nodeResources(spec),
    conditions: nodeConditions(before, rfc3339(now)),
    addresses: [
      { type: 'InternalIP', address: runtime.address },
      { type: 'Hostname', address: spec.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: runtime.port } },
    nodeInfo: {
      ...machineIds(spec.name),
      kernelVersion: `6.12.57+deb13-${arch()}`,
      osImage: 'Debian GNU/Linux 13 (trixie)',
      containerRuntimeVersion: 'containerd://2.1.4',
      kubeletVersion: runtime.kubeletVersion,
      operatingSystem: 'linux',
      architecture: arch(),
    },
  }
}

/**
 * The Node a kubelet registers (kubelet's `initialNode`); spec.podCIDR is the controller
 * manager's to set.
 */
export function nodeObject(spec: NodeSpec, runtime: NodeRuntime): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: nodeLabels(spec),
      // The kubelet leaves volume attach/detach to the controller manager (the default).
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {},
    status: nodeStatus(spec, runtime, undefined),
  }
}
