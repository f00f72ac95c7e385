// The simulator's node side under KubeVirt's own control plane: what virt-handler and
// virt-launcher do on each node. One process plays every node's virt-handler: it acts as the
// kubevirt-handler service account, runs the domains of the VMIs handed to its nodes as QEMU
// guests, reports them in the VMI status, and serves virt-handler's API on each node's address.
import { join } from 'node:path'
import { ClusterStore } from '../cluster/cluster-store.ts'
import type { KubeClient } from '../cluster/kube-client.ts'
import { requireDef } from '../controllers/context.ts'
import { PodIndex } from '../controllers/pod-index.ts'
import type { Registry } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import type { ConsoleSubresources } from '../kubevirt/console-subresources.ts'
import { EventRecorder } from '../kubevirt/events.ts'
import { GuestRegistry } from '../kubevirt/guest-registry.ts'
import { GuestRuntime, type GuestMode } from '../kubevirt/guest-runtime.ts'
import { keyOf } from '../kubevirt/k8s-util.ts'
import { WorkQueue } from '../kubevirt/work-queue.ts'
import { statusOfPod, terminatedStatus } from '../node/pod-status.ts'
import { startHandlerServer } from './handler-server.ts'
import { Heartbeats } from './heartbeat.ts'
import type { HandlerContext } from './handler-context.ts'
import { syncVmi } from './sync-vmi.ts'

export interface VirtHandlerOptions {
  /** As the kubevirt-handler service account. */
  client: KubeClient
  /**
   * The nodes' own view of the pods they run. On a node, virt-launcher inside the pod connects to
   * virt-handler's socket; virt-handler's service account may not read pods, so here the
   * kubelets' client (the simulator's) watches them.
   */
  podClient: KubeClient
  /** Each node's own virt-handler client (a token bound to its virt-handler pod). */
  nodeClients: ReadonlyMap<string, KubeClient>
  registry: Registry
  nodes: readonly { name: string; address: string }[]
  certsDir: string
  port: number
  guests: GuestMode
  imageDir: string
  stateDir: string
  maxGuests?: number
  qemuBinary?: string
  simulatedMigrationMs?: number
}

export interface VirtHandler {
  /** Each node's heartbeat on its Node object (stopped when its node dies). */
  heartbeats: Heartbeats
  guests: GuestRegistry
  runtime: GuestRuntime
  consoles: ConsoleSubresources
  close(): Promise<void>
}

export async function startVirtHandler(options: VirtHandlerOptions): Promise<VirtHandler> {
  const { registry } = options
  const defs = {
    vmi: requireDef(registry, 'kubevirt.io', 'virtualmachineinstances'),
    pod: requireDef(registry, '', 'pods'),
    event: requireDef(registry, '', 'events'),
  }
  const store = new ClusterStore(options.client)
  const podStore = new ClusterStore(options.podClient)
  // Events go through the node's store too: recording aggregates with the events already there,
  // which virt-handler's service account may create but not list.
  await Promise.all([store.sync([defs.vmi]), podStore.sync([defs.pod, defs.event])])
  const guests = new GuestRegistry()
  const queue = new WorkQueue('virt-handler', (key) => syncVmi(context, key))
  const runtime = new GuestRuntime({
    mode: options.guests,
    imageDir: options.imageDir,
    workRoot: join(options.stateDir, 'g'),
    registry: guests,
    maxGuests: options.maxGuests ?? 6,
    maxConcurrentBoots: 2,
    memoryMiB: 96,
    ...(options.qemuBinary ? { qemuBinary: options.qemuBinary } : {}),
    ...(options.simulatedMigrationMs ? { simulatedMigrationMs: options.simulatedMigrationMs } : {}),
    onChange: (namespace, name) => queue.add(keyOf(namespace, name)),
  })
  const enqueueOwner = (pod: KObject) => {
    const vmi = pod.metadata.annotations?.['kubevirt.io/domain']
    if (vmi) queue.add(keyOf(pod.metadata.namespace, vmi))
  }
  const context: HandlerContext = {
    store,
    defs,
    runtime,
    events: new EventRecorder(podStore, defs.event),
    pods: new PodIndex(podStore, defs.pod, enqueueOwner),
    nodes: new Set(options.nodes.map((n) => n.name)),
    nodeAddresses: new Map(options.nodes.map((n) => [n.name, n.address])),
    transfers: new Map(),
    resync: (vmi) => queue.add(keyOf(vmi.metadata.namespace, vmi.metadata.name ?? '')),
    async completePods(vmi, node, podName) {
      const done = context.pods
        .podsOf(vmi.metadata.uid ?? '')
        .filter((pod) => (pod.spec as { nodeName?: string } | undefined)?.nodeName === node)
        .filter((pod) => podName === undefined || pod.metadata.name === podName)
        .filter((pod) => !['Succeeded', 'Failed'].includes(statusOfPod(pod).phase ?? ''))
      for (const pod of done)
        await podStore.patch(
          defs.pod,
          pod.metadata.namespace,
          pod.metadata.name ?? '',
          { metadata: { uid: pod.metadata.uid }, status: terminatedStatus(pod) },
          { type: 'strategic', subresource: 'status' },
        )
    },
  }
  const unwatch = store.watch(defs.vmi, store.revision, (e) =>
    queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name ?? '')),
  )
  for (const vmi of store.list(defs.vmi).items)
    queue.add(keyOf(vmi.metadata.namespace, vmi.metadata.name ?? ''))
  const server = await startHandlerServer({
    store,
    vmiDef: defs.vmi,
    runtime,
    guests,
    certsDir: options.certsDir,
    addresses: options.nodes.map((n) => n.address),
    port: options.port,
    changed: (namespace, name) => queue.add(keyOf(namespace, name)),
  })
  const heartbeats = new Heartbeats((node) => options.nodeClients.get(node) ?? options.client)
  await Promise.all(options.nodes.map((n) => heartbeats.start(n.name)))
  return {
    heartbeats,
    guests,
    runtime,
    consoles: server.consoles,
    async close() {
      heartbeats.close()
      unwatch()
      context.pods.stop()
      await server.close()
      await queue.stop()
      await context.events.flush()
      await runtime.close()
      podStore.close()
      store.close()
    },
  }
}
