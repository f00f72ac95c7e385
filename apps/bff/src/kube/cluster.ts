import {
  KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { list } from './api/discovery-requests.ts'
import { paths } from './api/paths.ts'
import { AccessControl } from './access.ts'
import { Capabilities } from './capabilities.ts'
import { getVmAndVmi } from './api/vm-requests.ts'
import { slimPod } from './slim-pod.ts'
import { KubeClient } from './kube-client.ts'
import { listWatch } from './list-watch.ts'
import { ObjectWaiters } from './object-waiters.ts'
import { MigrationStore } from './migration-store.ts'
import { NodeStore } from './node-store.ts'
import { TaskStore } from './task-store.ts'
import { resilientInformer, type ResilientInformer } from './resilient-informer.ts'
import { VmStore } from './vm-store.ts'

export interface ClusterSource {
  /** The kubeconfig the BFF's own (cache-feeding) identity comes from. */
  config: KubeConfig
  context: string
}

type Log = { warn(obj: object, msg: string): void }

/**
 * One Kubernetes cluster as the BFF sees it: its identity (id, API server), the shared caches fed
 * with the BFF's own credentials (one informer per kind, whatever the number of browsers), and
 * per-user clients that carry the user's token.
 */
export class Cluster {
  readonly id: string
  readonly server: string
  readonly vms: VmStore
  /** Awaits a change of one VM as the shared watch delivers it. */
  readonly vmChanges: ObjectWaiters
  readonly nodes: NodeStore
  readonly migrations: MigrationStore
  /** vmdeck's task records (tasks.vmdeck.io), every namespace, read with its own identity. */
  readonly tasks: TaskStore
  readonly access: AccessControl
  /** KubeVirt (and version), CDI, snapshots, Multus: from discovery, cached. */
  readonly capabilities: Capabilities
  /** The BFF's own identity toward this cluster: caches, access reviews, session revocations. */
  readonly serviceClient: KubeClient
  readonly #service: KubeConfig
  readonly #informers: { start(): Promise<void>; stop(): Promise<void> }[]
  readonly #namespaces: ResilientInformer<KubernetesObject>
  readonly #log: Log

  constructor({ config, context }: ClusterSource, log: Log) {
    const service = new KubeConfig()
    service.loadFromString(config.exportConfig())
    service.setCurrentContext(context)
    const cluster = service.getCurrentCluster()
    if (!cluster) throw new Error(`kubeconfig context "${context}" names no cluster`)
    this.id = cluster.name
    this.server = cluster.server
    this.#service = service
    this.#log = log
    const serviceClient = new KubeClient(service)
    this.serviceClient = serviceClient
    this.capabilities = new Capabilities(serviceClient, log)
    const informer = (path: string, labelSelector?: string) => this.watch(path, labelSelector)
    // The three kinds that grow with the fleet (100,000 VMs) are listed in pages and kept compact.
    const compact = <T>(path: string, keep: (o: KubernetesObject) => T, labelSelector?: string) =>
      listWatch({
        config: service,
        client: serviceClient,
        path,
        keep,
        log,
        ...(labelSelector ? { labelSelector } : {}),
      })
    // The VM store keeps rows, not objects: the caches only track names and versions.
    const vms = compact(paths.vms(), () => true)
    const vmis = compact(paths.vmis(), () => true)
    this.vms = new VmStore(vms, vmis, (namespace, name) =>
      getVmAndVmi(serviceClient, namespace, name),
    )
    this.vmChanges = new ObjectWaiters(vms)
    const nodes = informer(paths.nodes())
    const launchers = compact(paths.pods(), slimPod, 'kubevirt.io=virt-launcher')
    const migrations = informer(paths.migrations())
    this.nodes = new NodeStore(nodes, launchers, this.vms)
    this.migrations = new MigrationStore(migrations, vmis)
    this.access = new AccessControl((token) => this.clientFor(token), log)
    // RBAC objects are watched only to know when cached access decisions went stale.
    const rbac = (['rolebindings', 'clusterrolebindings', 'roles', 'clusterroles'] as const).map(
      (plural) => informer(paths.rbac(plural)),
    )
    for (const watched of rbac)
      for (const event of ['add', 'update', 'delete'] as const)
        watched.on(event, () => this.access.invalidate())
    this.#namespaces = informer(paths.namespaces())
    this.tasks = new TaskStore(informer(paths.tasks()))
    this.#informers = [nodes, launchers, migrations, this.#namespaces, this.tasks, ...rbac]
  }

  /**
   * A further list-and-watch with the BFF's own credentials (not started; the caller owns it).
   * Session revocations use it on the cluster the BFF runs in.
   */
  watch(path: string, labelSelector?: string): ResilientInformer<KubernetesObject> {
    return resilientInformer<KubernetesObject>(
      this.#service,
      path,
      () => list<KubernetesListObject<KubernetesObject>>(this.serviceClient, path, labelSelector),
      this.#log,
      labelSelector,
    )
  }

  /** Names of the cluster's namespaces, from the shared cache (filter per user before showing). */
  namespaceNames(): string[] {
    return this.#namespaces
      .list()
      .map((ns) => ns.metadata?.name ?? '')
      .filter(Boolean)
      .sort()
  }

  /** A client configuration for this cluster that acts as the user holding `token`, nothing else. */
  forUser(token: string): KubeConfig {
    const cluster = this.#service.getCurrentCluster()
    if (!cluster) throw new Error('cluster vanished from its kubeconfig')
    const config = new KubeConfig()
    config.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'user', token }],
      contexts: [{ name: 'user', cluster: cluster.name, user: 'user' }],
      currentContext: 'user',
    })
    return config
  }

  /** An HTTP client acting as the user holding `token` (headers from an allow-list only). */
  clientFor(token: string): KubeClient {
    return new KubeClient(this.forUser(token))
  }

  async start(): Promise<void> {
    // The VM caches decide readiness; the others fill in behind them and retry on their own.
    for (const informer of this.#informers) informer.start().catch(() => undefined)
    void this.capabilities.refresh()
    await this.vms.start()
  }

  async stop(): Promise<void> {
    await Promise.all([this.vms.stop(), ...this.#informers.map((i) => i.stop())])
  }
}
