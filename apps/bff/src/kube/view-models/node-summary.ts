import { parseQuantity, type NodeDrain, type NodeResources, type NodeSummary } from '@vmdeck/shared'
import type { Node, Pod } from '../types.ts'
import { isTrue, opt, timestamp } from './fields.ts'

const resources = (values: Record<string, string> | undefined): NodeResources => ({
  cpu: parseQuantity(values?.cpu),
  memory: parseQuantity(values?.memory),
  pods: Math.round(parseQuantity(values?.pods)),
})

/** Pods that still hold resources on their node. */
export const podIsActive = (pod: Pod): boolean =>
  pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed'

export type Usage = NodeSummary['used']

/**
 * What one launcher pod requests (nothing once it has ended): parsed once per pod change, so a
 * node with thousands of VMs sums numbers instead of parsing every pod's quantities again.
 */
export function podUsage(pod: Pod): Usage {
  const used = { cpu: 0, memory: 0, pods: 0 }
  if (!podIsActive(pod)) return used
  used.pods = 1
  for (const container of pod.spec?.containers ?? []) {
    used.cpu += parseQuantity(container.resources?.requests?.cpu)
    used.memory += parseQuantity(container.resources?.requests?.memory)
  }
  return used
}

export function sumUsage(usages: Iterable<Usage>): Usage {
  const used = { cpu: 0, memory: 0, pods: 0 }
  for (const usage of usages) {
    used.cpu += usage.cpu
    used.memory += usage.memory
    used.pods += usage.pods
  }
  return used
}

/** A host: capacity, what its VMs' launcher pods request, VM count and drain progress. */
export function toNodeSummary(
  node: Node,
  used: Usage,
  vmCount: number,
  drain?: NodeDrain,
): NodeSummary {
  const labels = node.metadata?.labels ?? {}
  const roles = Object.keys(labels)
    .filter((key) => key.startsWith('node-role.kubernetes.io/'))
    .map((key) => key.slice('node-role.kubernetes.io/'.length))
  return {
    name: node.metadata?.name ?? '',
    ready: isTrue(node.status?.conditions, 'Ready'),
    schedulable: !node.spec?.unschedulable,
    roles,
    capacity: resources(node.status?.capacity),
    allocatable: resources(node.status?.allocatable ?? node.status?.capacity),
    used,
    vmCount,
    labels,
    taints: (node.spec?.taints ?? []).map((t) => ({
      key: t.key ?? '',
      ...opt('value', t.value),
      effect: t.effect ?? '',
    })),
    ...opt('kubeletVersion', node.status?.nodeInfo?.kubeletVersion),
    ...opt('internalIp', node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address),
    createdAt: timestamp(node.metadata?.creationTimestamp),
    ...(drain ? { drain } : {}),
  }
}
