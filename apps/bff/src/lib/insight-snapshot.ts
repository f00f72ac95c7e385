import { parseQuantity, type NodeSummary } from '@vmdeck/shared'
import { list } from '../kube/api/discovery-requests.ts'
import { paths } from '../kube/api/paths.ts'
import type { Cluster } from '../kube/cluster.ts'
import type { Condition, VirtualMachineInstance } from '../kube/types.ts'
import type { NodeSelectorTerm, Toleration } from './insight-fit.ts'
import type { Snapshot, SnapshotNode, VmPod } from './insight-planner.ts'

/** What the what-if reads of a pod: more than the shared launcher cache keeps. */
interface FullPod {
  metadata?: {
    namespace?: string
    name?: string
    labels?: Record<string, string>
    ownerReferences?: { kind?: string; name?: string }[]
  }
  spec?: {
    nodeName?: string
    nodeSelector?: Record<string, string>
    affinity?: {
      nodeAffinity?: {
        requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] }
      }
    }
    tolerations?: Toleration[]
    overhead?: Record<string, string>
    containers?: { resources?: { requests?: Record<string, string> } }[]
    initContainers?: { resources?: { requests?: Record<string, string> } }[]
  }
}

/** A pod's effective request as the scheduler computes it: max(sum of containers, any init) + overhead. */
export function podRequests(pod: FullPod): { cpu: number; memory: number } {
  const sum = (key: 'cpu' | 'memory') =>
    (pod.spec?.containers ?? []).reduce(
      (total, c) => total + parseQuantity(c.resources?.requests?.[key]),
      0,
    )
  const init = (key: 'cpu' | 'memory') =>
    Math.max(
      0,
      ...(pod.spec?.initContainers ?? []).map((c) => parseQuantity(c.resources?.requests?.[key])),
    )
  const overhead = (key: 'cpu' | 'memory') => parseQuantity(pod.spec?.overhead?.[key])
  return {
    cpu: Math.max(sum('cpu'), init('cpu')) + overhead('cpu'),
    memory: Math.max(sum('memory'), init('memory')) + overhead('memory'),
  }
}

/** The VMI a virt-launcher pod runs (its controller owner), by name. */
const vmiOf = (pod: FullPod): string | undefined =>
  pod.metadata?.ownerReferences?.find((o) => o.kind === 'VirtualMachineInstance')?.name ??
  pod.metadata?.labels?.['vm.kubevirt.io/name']

const toNode = (summary: NodeSummary): SnapshotNode => ({
  name: summary.name,
  labels: summary.labels,
  taints: summary.taints,
  allocatable: { ...summary.allocatable },
  requested: { cpu: 0, memory: 0, pods: 0 },
  schedulable: summary.schedulable,
  ready: summary.ready,
})

/**
 * The cluster as the scheduler sees it now, read with the BFF's own identity: nodes from the
 * shared cache, and every pod that still holds resources (not only virt-launcher pods: other
 * workloads take room too) from the API server, since the shared launcher cache keeps only
 * requests. One list per question; vmdeck asks it only when someone opens the what-if.
 */
export async function loadSnapshot(cluster: Cluster): Promise<Snapshot> {
  const nodes = new Map([...cluster.nodes.list()].map((n) => [n.name, toNode(n)]))
  const pods = await cluster.serviceClient.call<{ items?: FullPod[] }>({
    method: 'GET',
    path: paths.pods(),
    query: { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' },
  })
  const vms: VmPod[] = []
  const seen = new Set<string>()
  for (const pod of pods.items ?? []) {
    const node = nodes.get(pod.spec?.nodeName ?? '')
    if (!node) continue
    const requests = podRequests(pod)
    node.requested.cpu += requests.cpu
    node.requested.memory += requests.memory
    node.requested.pods += 1
    if (pod.metadata?.labels?.['kubevirt.io'] !== 'virt-launcher') continue
    const namespace = pod.metadata.namespace ?? ''
    const name = vmiOf(pod)
    // A VM being migrated has two launcher pods: both take room, the VM is counted once.
    if (!name || seen.has(`${namespace}/${name}`)) continue
    seen.add(`${namespace}/${name}`)
    const terms =
      pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        ?.nodeSelectorTerms
    vms.push({
      namespace,
      name,
      node: node.name,
      requests,
      ...(pod.spec?.nodeSelector ? { nodeSelector: pod.spec.nodeSelector } : {}),
      ...(terms ? { requiredTerms: terms } : {}),
      ...(pod.spec?.tolerations ? { tolerations: pod.spec.tolerations } : {}),
    })
  }
  return { nodes: [...nodes.values()], vms }
}

/** The cluster default eviction strategy (KubeVirt CR), `None` when it names none (KubeVirt's default). */
export async function defaultEvictionStrategy(cluster: Cluster): Promise<string> {
  const kubevirts = await list<{
    items?: { spec?: { configuration?: { evictionStrategy?: string } } }[]
  }>(cluster.serviceClient, paths.kubevirts).catch(() => undefined)
  return kubevirts?.items?.[0]?.spec?.configuration?.evictionStrategy ?? 'None'
}

function applyVmi(vm: VmPod, vmi: VirtualMachineInstance | undefined): void {
  if (vmi?.spec?.evictionStrategy) vm.evictionStrategy = vmi.spec.evictionStrategy
  const condition = vmi?.status?.conditions?.find((c: Condition) => c.type === 'LiveMigratable')
  if (condition?.status === 'False')
    vm.notMigratable = {
      reason: condition.reason ?? 'NotMigratable',
      message: condition.message ?? '',
    }
}

/** Past this many VMs one list of every VMI costs less than reading them one by one. */
const ONE_BY_ONE = 50

/**
 * Adds the VMI's eviction strategy and LiveMigratable condition to the VMs on `nodes`, as the
 * shared cache keeps no VMI objects: read one by one for a few, listed at once for many.
 */
export async function addVmiState(
  cluster: Cluster,
  snapshot: Snapshot,
  nodes: ReadonlySet<string>,
): Promise<void> {
  const on = snapshot.vms.filter((vm) => nodes.has(vm.node))
  const client = cluster.serviceClient
  if (on.length > ONE_BY_ONE) {
    const vmis = await list<{ items?: VirtualMachineInstance[] }>(client, paths.vmis())
    const byKey = new Map(
      (vmis.items ?? []).map((v) => [
        `${v.metadata?.namespace ?? ''}/${v.metadata?.name ?? ''}`,
        v,
      ]),
    )
    for (const vm of on) applyVmi(vm, byKey.get(`${vm.namespace}/${vm.name}`))
    return
  }
  await Promise.all(
    on.map(async (vm) =>
      applyVmi(
        vm,
        await client
          .call<VirtualMachineInstance>({ method: 'GET', path: paths.vmi(vm.namespace, vm.name) })
          .catch(() => undefined),
      ),
    ),
  )
}
