import { join } from 'node:path'
import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import type { KubeClient } from '../cluster/kube-client.ts'
import type { ConsoleLogSource } from './container-logs.ts'
import { ensureKubeletCert } from './kubelet-cert.ts'
import { startKubeletServer, type KubeletServer } from './kubelet-server.ts'
import { runLeaseHeartbeat } from './lease-heartbeat.ts'
import { nodeLabels, nodeObject, nodeStatus, type NodeRuntime } from './node-object.ts'
import type { NodeSpec } from './node-spec.ts'
import { PodRunner } from './pod-runner.ts'
import { pause, reflect } from './reflector.ts'

export interface NodeAgentOptions {
  client: KubeClient
  spec: NodeSpec
  /** The loopback address to serve the kubelet API on and report as InternalIP. */
  address: string
  kubeletVersion: string
  /** PEM of the CA that signs kube-apiserver's kubelet client certificate. */
  kubeletClientCA: string
  /** Where the kubelet keeps its serving certificate (<stateDir>/<node>/). */
  stateDir: string
  consoleLog: ConsoleLogSource | undefined
  leaseRenewIntervalMs: number
  /** How often the Node's status is compared with the kubelet's (--node-status-update-frequency). */
  statusUpdateIntervalMs: number
  /** Unchanged status is re-posted this often (--node-status-report-frequency, 5 min). */
  statusReportIntervalMs: number
  log: (message: string) => void
}

interface Running {
  abort: AbortController
  server: KubeletServer
  runner: PodRunner
  loops: Promise<void>[]
}

type Condition = { type: string; status: string }
const readyOf = (node: KObject | undefined) =>
  ((node?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === 'Ready',
  )?.status

const NODES = '/api/v1/nodes'

/**
 * One node's kubelet, as a client of the real API server: registers the Node, keeps its Lease
 * renewed and its status posted, runs the pods the scheduler binds to it, and serves the kubelet
 * API kube-apiserver proxies `pods/log` to. `stop` is the kubelet dying: no more heartbeats, its
 * API gone; the node lifecycle controller then marks the Node NotReady.
 */
export class NodeAgent {
  readonly spec: NodeSpec
  readonly #options: NodeAgentOptions
  /** The kubelet API's port, kept across restarts so the Node's daemonEndpoints stay true. */
  #port = 0
  #running: Running | undefined
  #node: KObject | undefined
  #starting: Promise<void> | undefined

  constructor(options: NodeAgentOptions) {
    this.#options = options
    this.spec = options.spec
  }

  get running(): boolean {
    return this.#running !== undefined
  }

  /** Where kube-apiserver reaches this kubelet (undefined while stopped). */
  get endpoint(): { address: string; port: number } | undefined {
    return (
      this.#running && { address: this.#running.server.address, port: this.#running.server.port }
    )
  }

  /** Starts the kubelet; resolves once the Node is posted and its pods are listed. */
  start(): Promise<void> {
    if (this.#running) return Promise.resolve()
    this.#starting ??= this.#start().finally(() => (this.#starting = undefined))
    return this.#starting
  }

  async #start(): Promise<void> {
    const options = this.#options
    const { client, spec, log } = options
    const abort = new AbortController()
    const signal = abort.signal
    const runner: PodRunner = new PodRunner({
      client,
      nodeName: spec.name,
      hostIP: () => server.address,
      signal,
      log,
    })
    const tls = ensureKubeletCert(join(options.stateDir, spec.name), spec.name, options.address)
    const server = await startKubeletServer({
      address: options.address,
      port: this.#port,
      ...tls,
      clientCA: options.kubeletClientCA,
      host: {
        nodeName: spec.name,
        pod: (namespace, name) => runner.pod(namespace, name),
        pods: () => runner.pods(),
        consoleLog: options.consoleLog,
      },
    })
    this.#port = server.port
    const runtime: NodeRuntime = {
      address: server.address,
      port: server.port,
      kubeletVersion: options.kubeletVersion,
    }
    const running: Running = { abort, server, runner, loops: [] }
    this.#running = running
    try {
      // Read afresh: the lifecycle controller may have changed the Node while this agent was down.
      this.#node = undefined
      this.#node = await this.#register(runtime, signal)
      const nodeUid = this.#node.metadata.uid ?? ''
      const nodeWatch = reflect(
        client,
        NODES,
        `metadata.name=${spec.name}`,
        {
          replace: (items) => this.#observeNode(items[0], runner),
          change: (type, node) => this.#observeNode(type === 'DELETED' ? undefined : node, runner),
        },
        signal,
      )
      const podWatch = reflect(
        client,
        '/api/v1/pods',
        `spec.nodeName=${spec.name}`,
        {
          replace: (items) => runner.replace(items),
          change: (type, pod) => runner.change(type, pod),
        },
        signal,
      )
      running.loops.push(
        nodeWatch.done,
        podWatch.done,
        runLeaseHeartbeat(
          client,
          { nodeName: spec.name, nodeUid, renewIntervalMs: options.leaseRenewIntervalMs },
          signal,
          log,
        ),
        this.#statusLoop(runtime, signal),
      )
      await Promise.all([nodeWatch.synced, podWatch.synced])
    } catch (error) {
      await this.#halt()
      throw error
    }
  }

  /** The kubelet dies: heartbeats, pod work and the kubelet API stop; the Node stays as it was. */
  async stop(): Promise<void> {
    // A start under way finishes first, so what it started is stopped too.
    await this.#starting?.catch(() => {})
    await this.#halt()
  }

  async #halt(): Promise<void> {
    const running = this.#running
    if (!running) return
    this.#running = undefined
    running.abort.abort()
    await running.server.close()
    await running.runner.close()
    await Promise.allSettled(running.loops)
  }

  #observeNode(node: KObject | undefined, runner: PodRunner): void {
    this.#node = node
    const podCIDR = (node?.spec as { podCIDR?: string } | undefined)?.podCIDR
    if (podCIDR) runner.setPodCidr(podCIDR)
  }

  /**
   * Registers the Node (kubelet's registerWithAPIServer): create it with its status; when it
   * exists already (a restarted agent), reconcile the kubelet's labels and post a fresh status.
   */
  async #register(runtime: NodeRuntime, signal: AbortSignal): Promise<KObject> {
    const { client, spec } = this.#options
    try {
      return await client.json<KObject>('POST', NODES, { body: nodeObject(spec, runtime), signal })
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 409)) throw error
    }
    await client.json('PATCH', `${NODES}/${spec.name}`, {
      body: { metadata: { labels: nodeLabels(spec) } },
      contentType: 'application/strategic-merge-patch+json',
      signal,
    })
    return this.#postStatus(runtime, signal)
  }

  async #postStatus(runtime: NodeRuntime, signal: AbortSignal): Promise<KObject> {
    const { client, spec } = this.#options
    const current =
      this.#node ?? (await client.json<KObject>('GET', `${NODES}/${spec.name}`, { signal }))
    return client.json<KObject>('PATCH', `${NODES}/${spec.name}/status`, {
      body: { status: nodeStatus(spec, runtime, current) },
      contentType: 'application/strategic-merge-patch+json',
      signal,
    })
  }

  /**
   * The kubelet's node status loop: every update interval it compares the Node with what it
   * would post and posts when they differ (e.g. the lifecycle controller set Ready=Unknown while
   * this agent was down) or when the report interval has passed; the Lease is the heartbeat.
   */
  async #statusLoop(runtime: NodeRuntime, signal: AbortSignal): Promise<void> {
    const { statusUpdateIntervalMs, statusReportIntervalMs, log, spec } = this.#options
    let lastPost = Date.now()
    while (!signal.aborted) {
      await pause(statusUpdateIntervalMs, signal)
      if (signal.aborted) return
      if (readyOf(this.#node) === 'True' && Date.now() - lastPost < statusReportIntervalMs) continue
      try {
        this.#node = await this.#postStatus(runtime, signal)
        lastPost = Date.now()
      } catch (error) {
        if (!signal.aborted)
          log(`${spec.name}: node status not posted: ${(error as Error).message}`)
      }
    }
  }
}
