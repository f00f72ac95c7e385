import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import type { KubeClient } from '../cluster/kube-client.ts'
import { resourcePath } from '../cluster/resource-paths.ts'
import { KeyedWorker } from './keyed-worker.ts'
import { PodIps } from './pod-ips.ts'
import {
  differsFromRunning,
  runningStatus,
  specOfPod,
  statusOfPod,
  terminatedStatus,
  wasStarted,
} from './pod-status.ts'
import { pause } from './reflector.ts'

const podDef = { group: '', version: 'v1', plural: 'pods', namespaced: true }
const keyOf = (pod: KObject) => `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`
const podPath = (pod: KObject) =>
  resourcePath(podDef, pod.metadata.namespace, pod.metadata.name ?? '')
const rvOf = (pod: KObject | undefined) => Number(pod?.metadata.resourceVersion ?? 0)
const terminal = (pod: KObject) => ['Succeeded', 'Failed'].includes(statusOfPod(pod).phase ?? '')

export interface PodRunnerOptions {
  client: KubeClient
  nodeName: string
  /** The node's InternalIP: every pod's hostIP, and the podIP of hostNetwork pods. */
  hostIP: () => string
  signal: AbortSignal
  log: (message: string) => void
}

/**
 * The kubelet's pod workers for one node: every pod the scheduler bound here gets its containers
 * "started" (status Running, an address from the node's podCIDR); a pod being deleted gets them
 * stopped and is then removed for good (DELETE with gracePeriodSeconds=0 and the pod's uid as a
 * precondition, as the kubelet's status manager does).
 */
export class PodRunner {
  readonly #options: PodRunnerOptions
  readonly #pods = new Map<string, KObject>()
  readonly #worker: KeyedWorker
  #ips: PodIps | undefined

  constructor(options: PodRunnerOptions) {
    this.#options = options
    this.#worker = new KeyedWorker(
      (key) => this.#sync(key),
      (key, error) => {
        if (options.signal.aborted) return
        // Invalid (422) does not heal by retrying: the next change of the pod syncs it again.
        const invalid = error instanceof StatusError && error.code === 422
        options.log(
          `${options.nodeName}: pod ${key}: ${(error as Error).message}${invalid ? '' : '; retrying'}`,
        )
        if (!invalid) void pause(1000, options.signal).then(() => this.#worker.enqueue(key))
      },
    )
  }

  pod(namespace: string, name: string): KObject | undefined {
    return this.#pods.get(`${namespace}/${name}`)
  }

  pods(): KObject[] {
    return [...this.#pods.values()]
  }

  /** The node's podCIDR arrived (the controller manager allocates it after registration). */
  setPodCidr(cidr: string): void {
    if (this.#ips?.cidr === cidr) return
    const ips = new PodIps(cidr)
    // Addresses pods got from an earlier run of this agent stay theirs.
    for (const pod of this.#pods.values()) {
      const podIP = statusOfPod(pod).podIP
      if (podIP && !specOfPod(pod).hostNetwork && ips.contains(podIP))
        ips.claim(pod.metadata.uid ?? '', podIP)
    }
    this.#ips = ips
    for (const key of this.#pods.keys()) this.#worker.enqueue(key)
  }

  /** The reflector's full list: pods no longer bound here are gone. */
  replace(items: KObject[]): void {
    const fresh = new Set(items.map(keyOf))
    for (const [key, pod] of this.#pods) if (!fresh.has(key)) this.#forget(key, pod)
    for (const pod of items) this.#store(pod)
  }

  change(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: KObject): void {
    if (type === 'DELETED') this.#forget(keyOf(pod), pod)
    else this.#store(pod)
  }

  close(): Promise<void> {
    return this.#worker.close()
  }

  #store(pod: KObject): void {
    const key = keyOf(pod)
    const cached = this.#pods.get(key)
    // Our own write may already have brought a newer version than this event.
    if (cached && cached.metadata.uid === pod.metadata.uid && rvOf(cached) > rvOf(pod)) return
    if (cached && cached.metadata.uid !== pod.metadata.uid)
      this.#ips?.release(cached.metadata.uid ?? '')
    this.#pods.set(key, pod)
    this.#worker.enqueue(key)
  }

  #forget(key: string, pod: KObject): void {
    const cached = this.#pods.get(key)
    if (cached && cached.metadata.uid !== pod.metadata.uid) return
    this.#pods.delete(key)
    this.#ips?.release(pod.metadata.uid ?? '')
  }

  async #sync(key: string): Promise<void> {
    const pod = this.#pods.get(key)
    if (!pod || this.#options.signal.aborted) return
    if (pod.metadata.deletionTimestamp) return this.#finish(pod)
    if (terminal(pod)) return
    const hostIP = this.#options.hostIP()
    let podIP: string
    if (specOfPod(pod).hostNetwork) podIP = hostIP
    else {
      // Without a podCIDR there is no pod network yet: setPodCidr enqueues the pod again.
      if (!this.#ips) return
      const current = statusOfPod(pod).podIP
      if (current && this.#ips.contains(current)) this.#ips.claim(pod.metadata.uid ?? '', current)
      podIP = this.#ips.allocate(pod.metadata.uid ?? '')
    }
    const desired = runningStatus(pod, { hostIP, podIP })
    if (!differsFromRunning(pod, desired)) return
    await this.#patchStatus(pod, desired)
  }

  /** Stops a deleted pod's containers, reports them stopped, and completes the deletion. */
  async #finish(pod: KObject): Promise<void> {
    if (wasStarted(pod) && !terminal(pod)) {
      const stopped = await this.#patchStatus(pod, terminatedStatus(pod))
      if (!stopped) return
    }
    try {
      await this.#options.client.json('DELETE', podPath(pod), {
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid },
        },
        signal: this.#options.signal,
      })
    } catch (error) {
      // Already gone, or a new pod of the same name (the uid precondition failed).
      if (error instanceof StatusError && (error.code === 404 || error.code === 409)) return
      throw error
    }
  }

  /**
   * A strategic merge patch of the status (conditions merge by type, so the scheduler's
   * PodScheduled stays); the uid in the patch makes it fail on a newer pod of the same name.
   * Answers undefined when the pod is gone.
   */
  async #patchStatus(pod: KObject, status: Record<string, unknown>): Promise<KObject | undefined> {
    try {
      const patched = await this.#options.client.json<KObject>('PATCH', `${podPath(pod)}/status`, {
        body: { metadata: { uid: pod.metadata.uid }, status },
        contentType: 'application/strategic-merge-patch+json',
        signal: this.#options.signal,
      })
      const key = keyOf(patched)
      const cached = this.#pods.get(key)
      if (cached?.metadata.uid === patched.metadata.uid && rvOf(patched) > rvOf(cached))
        this.#pods.set(key, patched)
      return patched
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return undefined
      throw error
    }
  }
}
