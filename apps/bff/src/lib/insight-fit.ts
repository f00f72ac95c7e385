/**
 * An estimate of the default kube-scheduler's filters for one pod on one node: NodeUnschedulable
 * and readiness (the caller passes only candidate nodes), NodeAffinity (nodeSelector and the
 * required node affinity), TaintToleration (NoSchedule and NoExecute) and NodeResourcesFit (CPU,
 * memory, pod count). It is not a replacement for the scheduler: inter-pod (anti-)affinity,
 * topology spread, volume topology, extended resources (GPUs, hugepages, devices), the
 * KubeVirt-added anti-affinity of a migration target and any scheduler plugins or extenders are
 * not modelled, so a "fits" here may still stay Pending in the cluster (docs/INSIGHT.md).
 */

export interface Amounts {
  cpu: number
  memory: number
}

export interface Taint {
  key: string
  value?: string
  effect: string
}

export interface Toleration {
  key?: string
  operator?: string
  value?: string
  effect?: string
}

export interface NodeSelectorRequirement {
  key?: string
  operator?: string
  values?: string[]
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[]
  matchFields?: NodeSelectorRequirement[]
}

/** What the filters read of a pod. */
export interface PodNeeds {
  requests: Amounts
  nodeSelector?: Record<string, string>
  /** requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms (ORed). */
  requiredTerms?: NodeSelectorTerm[]
  tolerations?: Toleration[]
}

/** A node as the filters see it, with what is still free on it. */
export interface NodeRoom {
  name: string
  labels: Record<string, string>
  taints: Taint[]
  allocatable: Amounts & { pods: number }
  requested: Amounts & { pods: number }
}

export type FitFailure =
  | { kind: 'affinity' }
  | { kind: 'taint'; taint: Taint }
  | { kind: 'cpu' | 'memory'; free: number }
  | { kind: 'pods' }

function matchesRequirement(
  requirement: NodeSelectorRequirement,
  value: string | undefined,
): boolean {
  const values = requirement.values ?? []
  switch (requirement.operator) {
    case 'In':
      return value !== undefined && values.includes(value)
    case 'NotIn':
      return value === undefined || !values.includes(value)
    case 'Exists':
      return value !== undefined
    case 'DoesNotExist':
      return value === undefined
    case 'Gt':
    case 'Lt': {
      const have = Number.parseInt(value ?? '', 10)
      const want = Number.parseInt(values[0] ?? '', 10)
      if (Number.isNaN(have) || Number.isNaN(want)) return false
      return requirement.operator === 'Gt' ? have > want : have < want
    }
    default:
      return false
  }
}

function matchesTerm(term: NodeSelectorTerm, node: NodeRoom): boolean {
  // A term with no requirements matches no node (the API's rule for nodeSelectorTerms).
  const expressions = term.matchExpressions ?? []
  const fields = term.matchFields ?? []
  if (expressions.length === 0 && fields.length === 0) return false
  return (
    expressions.every((r) => matchesRequirement(r, node.labels[r.key ?? ''])) &&
    fields.every((r) => matchesRequirement(r, r.key === 'metadata.name' ? node.name : undefined))
  )
}

export function matchesNodeAffinity(pod: PodNeeds, node: NodeRoom): boolean {
  for (const [key, value] of Object.entries(pod.nodeSelector ?? {}))
    if (node.labels[key] !== value) return false
  const terms = pod.requiredTerms
  return !terms || terms.length === 0 || terms.some((term) => matchesTerm(term, node))
}

function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '')
}

/** The first taint that keeps the pod off the node (PreferNoSchedule never does). */
export function untoleratedTaint(pod: PodNeeds, node: NodeRoom): Taint | undefined {
  return node.taints.find(
    (taint) =>
      taint.effect !== 'PreferNoSchedule' &&
      !(pod.tolerations ?? []).some((toleration) => tolerates(toleration, taint)),
  )
}

/** Why the pod cannot go to the node, in the scheduler's filter order; undefined when it fits. */
export function fitFailure(pod: PodNeeds, node: NodeRoom): FitFailure | undefined {
  if (!matchesNodeAffinity(pod, node)) return { kind: 'affinity' }
  const taint = untoleratedTaint(pod, node)
  if (taint) return { kind: 'taint', taint }
  if (node.requested.pods + 1 > node.allocatable.pods) return { kind: 'pods' }
  const freeCpu = node.allocatable.cpu - node.requested.cpu
  if (pod.requests.cpu > freeCpu + 1e-9) return { kind: 'cpu', free: freeCpu }
  const freeMemory = node.allocatable.memory - node.requested.memory
  if (pod.requests.memory > freeMemory) return { kind: 'memory', free: freeMemory }
  return undefined
}

/**
 * The default scheduler's NodeResourcesFit scoring (LeastAllocated): the node left with the
 * largest share of free CPU and memory after placing the pod scores highest.
 */
export function leastAllocatedScore(pod: PodNeeds, node: NodeRoom): number {
  const share = (free: number, total: number) => (total > 0 ? Math.max(0, free) / total : 0)
  const cpu = share(
    node.allocatable.cpu - node.requested.cpu - pod.requests.cpu,
    node.allocatable.cpu,
  )
  const memory = share(
    node.allocatable.memory - node.requested.memory - pod.requests.memory,
    node.allocatable.memory,
  )
  return (cpu + memory) / 2
}

export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`
const cores = (cpu: number): string => `${Number(cpu.toFixed(2))} CPU`

/**
 * The binding constraint when no node fits, worded like the scheduler's own
 * "0/3 nodes are available: …" message, with the closest node for resources.
 */
export function describeNoFit(
  pod: PodNeeds,
  failures: { node: string; failure: FitFailure }[],
): string {
  if (failures.length === 0)
    return 'No node is left to take it: every other node is cordoned, not ready or under maintenance.'
  const counts = new Map<string, number>()
  const add = (text: string) => counts.set(text, (counts.get(text) ?? 0) + 1)
  let bestMemory: { node: string; free: number } | undefined
  let bestCpu: { node: string; free: number } | undefined
  for (const { node, failure } of failures) {
    if (failure.kind === 'affinity') add("didn't match the VM's node selector or affinity")
    else if (failure.kind === 'taint')
      add(
        `had the untolerated taint ${failure.taint.key}${failure.taint.value ? `=${failure.taint.value}` : ''}:${failure.taint.effect}`,
      )
    else if (failure.kind === 'pods') add('had too many pods')
    else if (failure.kind === 'memory') {
      add('had insufficient memory')
      if (!bestMemory || failure.free > bestMemory.free) bestMemory = { node, free: failure.free }
    } else {
      add('had insufficient CPU')
      if (!bestCpu || failure.free > bestCpu.free) bestCpu = { node, free: failure.free }
    }
  }
  const parts = [...counts].map(([text, count]) => `${count} ${text}`)
  if (bestMemory)
    parts.push(
      `needs ${gib(pod.requests.memory)} memory, most free is ${gib(bestMemory.free)} on ${bestMemory.node}`,
    )
  if (bestCpu)
    parts.push(
      `needs ${cores(pod.requests.cpu)}, most free is ${cores(bestCpu.free)} on ${bestCpu.node}`,
    )
  return `0/${failures.length} nodes fit: ${parts.join('; ')}.`
}
