import type { KObject } from '../apiserver/types.ts'
import { parseQuantity } from '../kubevirt/k8s-util.ts'
import type { KubevirtContext } from './context.ts'

export type ScheduleResult = { node: string } | { message: string }

/**
 * kube-scheduler in miniature: filters nodes (cordoned, not Ready, node selector, excluded,
 * CPU and memory requests against allocatable) and scores the rest by free memory. The failure
 * message has kube-scheduler's shape (`0/3 nodes are available: 1 Insufficient memory, …`).
 */
export function schedulePod(ctx: KubevirtContext, pod: KObject, exclude?: string): ScheduleResult {
  const nodes = ctx.store.list(ctx.defs.node).items
  const spec = pod.spec as {
    nodeSelector?: Record<string, string>
    containers?: { resources?: { requests?: Record<string, string> } }[]
  }
  let cpu = 0
  let memory = 0
  for (const c of spec.containers ?? []) {
    cpu += parseQuantity(c.resources?.requests?.cpu)
    memory += parseQuantity(c.resources?.requests?.memory)
  }
  const reasons = new Map<string, number>()
  const fail = (reason: string) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  let best: { name: string; free: number } | undefined
  for (const node of nodes) {
    const name = node.metadata.name ?? ''
    const nodeSpec = node.spec as
      { unschedulable?: boolean; taints?: { effect: string }[] } | undefined
    const status = node.status as
      | { allocatable?: Record<string, string>; conditions?: { type: string; status: string }[] }
      | undefined
    if (nodeSpec?.unschedulable) {
      fail('node(s) were unschedulable')
      continue
    }
    if (status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') {
      fail('node(s) had untolerated taint {node.kubernetes.io/not-ready: }')
      continue
    }
    if (
      name === exclude ||
      Object.entries(spec.nodeSelector ?? {}).some(([k, v]) => node.metadata.labels?.[k] !== v)
    ) {
      fail("node(s) didn't match Pod's node affinity/selector")
      continue
    }
    const used = ctx.pods.usage(name)
    const allocCpu = parseQuantity(status.allocatable?.cpu)
    const allocMem = parseQuantity(status.allocatable?.memory)
    let fits = true
    if (used.cpu + cpu > allocCpu) {
      fail('Insufficient cpu')
      fits = false
    }
    if (used.memory + memory > allocMem) {
      fail('Insufficient memory')
      fits = false
    }
    if (!fits) continue
    const free = (allocMem - used.memory) / (allocMem || 1)
    if (!best || free > best.free + 1e-9) best = { name, free }
  }
  if (best) return { node: best.name }
  const parts = [...reasons]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${n} ${reason}`)
  return {
    message: `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`,
  }
}
