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

/** A host: capacity, what its VMs' launcher pods request, VM count and drain progress. */
export function toNodeSummary(
  node: Node,
  pods: readonly Pod[],
  vmCount: number,
  drain?: NodeDrain,
): NodeSummary {
  const used = { cpu: 0, memory: 0, pods: 0 }
  for (const pod of pods) {
    if (!podIsActive(pod)) continue
    used.pods += 1
    for (const container of pod.spec?.containers ?? []) {
      used.cpu += parseQuantity(container.resources?.requests?.cpu)
      used.memory += parseQuantity(container.resources?.requests?.memory)
    }
  }
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
