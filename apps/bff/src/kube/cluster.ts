import { KubeConfig } from '@kubernetes/client-node'
import { VmStore } from './vm-store.ts'

export interface ClusterSource {
  /** The kubeconfig the BFF's own (cache-feeding) identity comes from. */
  config: KubeConfig
  context: string
}

/**
 * One Kubernetes cluster as the BFF sees it: its identity (id, API server), the shared caches fed
 * with the BFF's own credentials, and per-user clients that carry the user's token.
 */
export class Cluster {
  readonly id: string
  readonly server: string
  readonly vms: VmStore
  readonly #service: KubeConfig

  constructor({ config, context }: ClusterSource, log: { warn(obj: object, msg: string): void }) {
    const service = new KubeConfig()
    service.loadFromString(config.exportConfig())
    service.setCurrentContext(context)
    const cluster = service.getCurrentCluster()
    if (!cluster) throw new Error(`kubeconfig context "${context}" names no cluster`)
    this.id = cluster.name
    this.server = cluster.server
    this.#service = service
    this.vms = new VmStore(service, log)
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

  async start(): Promise<void> {
    await this.vms.start()
  }

  async stop(): Promise<void> {
    await this.vms.stop()
  }
}
