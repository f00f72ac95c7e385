// The kubelet of the real-path tests, until the simulator's node agents (src/node/) land: it
// registers Node objects as a kubelet would (enough for kube-scheduler to place virt-launcher
// pods), renews their Leases, reports the pods the scheduler bound to them as Running, and
// completes graceful pod deletion. It runs no containers. Not used outside tests.
import { StatusError } from '../apiserver/status-error.ts'
import type { KObject } from '../apiserver/types.ts'
import type { KubeClient } from './kube-client.ts'

export interface TestNode {
  name: string
  labels?: Record<string, string>
}

export interface TestKubelet {
  stop(): Promise<void>
}

/** kubelet's default `nodeLeaseDurationSeconds`; it renews every quarter of it (10 s). */
const LEASE_SECONDS = 40
const time = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')
const microTime = () => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

/** What KubeVirt's device plugins advertise on each node, plus a small machine. */
const resources = {
  cpu: '4',
  memory: '8Gi',
  pods: '110',
  'devices.kubevirt.io/kvm': '1k',
  'devices.kubevirt.io/tun': '1k',
  'devices.kubevirt.io/vhost-net': '1k',
}

export async function startTestKubelet(
  client: KubeClient,
  nodes: TestNode[],
): Promise<TestKubelet> {
  const abort = new AbortController()
  const index = new Map(nodes.map((node, i) => [node.name, i + 1]))
  const nodeIp = (name: string) => `127.0.0.${10 + (index.get(name) ?? 0)}`
  let podCount = 0

  for (const node of nodes) {
    await ignoreConflict(client.json('POST', '/api/v1/nodes', { body: nodeObject(node, nodeIp) }))
    await ignoreConflict(
      client.json('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: node.name, namespace: 'kube-node-lease' },
          spec: {
            holderIdentity: node.name,
            leaseDurationSeconds: LEASE_SECONDS,
            renewTime: microTime(),
          },
        },
      }),
    )
  }
  const renew = setInterval(
    () => {
      for (const node of nodes)
        client
          .json(
            'PATCH',
            `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node.name}`,
            {
              body: { spec: { renewTime: microTime() } },
              contentType: 'application/merge-patch+json',
            },
          )
          .catch(() => {}) // the next renewal tries again, as kubelet's lease controller
    },
    (LEASE_SECONDS / 4) * 1000,
  )
  renew.unref()

  /** One pod change: run a newly bound pod, finish a deleted one. */
  const handled = new Set<string>()
  const sync = async (pod: KObject) => {
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName
    if (!node || !index.has(node)) return
    const meta = pod.metadata
    const path = `/api/v1/namespaces/${meta.namespace}/pods/${meta.name}`
    if (meta.deletionTimestamp) {
      // The containers are "stopped" at once; the kubelet then removes the pod for good.
      if (handled.has(`delete ${meta.uid}`)) return
      handled.add(`delete ${meta.uid}`)
      await ignoreMissing(
        client.json('DELETE', path, {
          body: {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            gracePeriodSeconds: 0,
            preconditions: { uid: meta.uid },
          },
        }),
      )
      return
    }
    if ((pod.status as { phase?: string } | undefined)?.phase !== 'Pending') return
    if (handled.has(`run ${meta.uid}`)) return
    handled.add(`run ${meta.uid}`)
    podCount++
    const podIP = `10.244.${index.get(node)}.${(podCount % 250) + 2}`
    await ignoreMissing(
      client.json('PATCH', `${path}/status`, {
        body: { status: runningStatus(pod, nodeIp(node), podIP) },
        contentType: 'application/merge-patch+json',
      }),
    )
  }
  const done = watchPods(client, abort.signal, (pod) => {
    sync(pod).catch((error: unknown) =>
      console.error(`test kubelet: could not sync pod ${pod.metadata.name}:`, error),
    )
  })
  await done.synced

  return {
    async stop() {
      clearInterval(renew)
      abort.abort()
      await done.ended
    },
  }
}

function nodeObject(node: TestNode, nodeIp: (name: string) => string): KObject {
  const now = time()
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  })
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubevirt.io/schedulable': 'true',
        ...node.labels,
      },
    },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition(
          'DiskPressure',
          'False',
          'KubeletHasNoDiskPressure',
          'kubelet has no disk pressure',
        ),
        condition(
          'PIDPressure',
          'False',
          'KubeletHasSufficientPID',
          'kubelet has sufficient PID available',
        ),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: nodeIp(node.name) },
        { type: 'Hostname', address: node.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '6.1.0',
        osImage: 'test kubelet',
        containerRuntimeVersion: 'none://0',
        kubeletVersion: 'v1.37.2',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  }
}

/** A pod's status once its containers run (what the kubelet's status manager writes). */
function runningStatus(pod: KObject, hostIP: string, podIP: string): Record<string, unknown> {
  const now = time()
  const old = (pod.status as { conditions?: { type: string }[] } | undefined)?.conditions ?? []
  const containers =
    (pod.spec as { containers?: { name: string; image: string }[] }).containers ?? []
  return {
    phase: 'Running',
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    conditions: [
      ...old.filter((c) => c.type === 'PodScheduled'),
      ...['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: now,
      })),
    ],
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${'1'.repeat(64)}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  }
}

/** Lists and watches all pods, calling `onPod` for every pod seen; relists when the watch ends. */
function watchPods(
  client: KubeClient,
  signal: AbortSignal,
  onPod: (pod: KObject) => void,
): { synced: Promise<void>; ended: Promise<void> } {
  let synced: () => void = () => {}
  const syncedPromise = new Promise<void>((resolve) => (synced = resolve))
  const ended = (async () => {
    while (!signal.aborted) {
      try {
        const list = await client.json<{ items: KObject[]; metadata: { resourceVersion: string } }>(
          'GET',
          '/api/v1/pods',
          { signal },
        )
        for (const pod of list.items) onPod(pod)
        synced()
        await client.watch(
          `/api/v1/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}`,
          (event) => {
            if (event.type === 'ADDED' || event.type === 'MODIFIED')
              onPod(event.object as unknown as KObject)
          },
          signal,
        )
      } catch {
        // Aborted, or the API server refused: list again after a pause (no busy loop).
        if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  })()
  return { synced: syncedPromise, ended }
}

async function ignoreConflict(request: Promise<unknown>): Promise<void> {
  try {
    await request
  } catch (error) {
    if (!(error instanceof StatusError && error.code === 409)) throw error
  }
}

async function ignoreMissing(request: Promise<unknown>): Promise<void> {
  try {
    await request
  } catch (error) {
    if (!(error instanceof StatusError && error.code === 404)) throw error
  }
}
