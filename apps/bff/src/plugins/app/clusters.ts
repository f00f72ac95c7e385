import { KubeConfig } from '@kubernetes/client-node'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Cluster } from '../../kube/cluster.ts'

declare module 'fastify' {
  interface FastifyInstance {
    clusters: Map<string, Cluster>
    /** Tokens of the kubeconfig's contexts, offered on the login page in demo mode only. */
    demoTokens: Map<string, string>
  }
}

export interface ClustersOptions {
  kubeconfigPath: string
  /** Load the pod's service account (in-cluster config) instead of the kubeconfig. */
  inCluster?: boolean
  /** Contexts that become clusters; by default the current context. */
  contexts?: string[]
  demo?: boolean
}

async function clusters(fastify: FastifyInstance, options: ClustersOptions): Promise<void> {
  const config = new KubeConfig()
  if (options.inCluster) config.loadFromCluster()
  else config.loadFromFile(options.kubeconfigPath)
  const contexts = options.contexts?.length ? options.contexts : [config.getCurrentContext()]
  const map = new Map<string, Cluster>()
  for (const context of contexts) {
    const cluster = new Cluster({ config, context }, fastify.log)
    map.set(cluster.id, cluster)
  }
  const demoTokens = new Map<string, string>()
  if (options.demo) {
    for (const context of config.getContexts()) {
      const token = config.getUser(context.user)?.token
      if (token) demoTokens.set(context.name, token)
    }
  }
  fastify.decorate('clusters', map)
  fastify.decorate('demoTokens', demoTokens)
  // Caches start in the background: a cluster that is down must not keep the BFF from serving.
  fastify.addHook('onReady', async () => {
    for (const cluster of map.values()) {
      cluster
        .start()
        .catch((err: unknown) =>
          fastify.log.warn({ err, cluster: cluster.id }, 'cluster caches did not start'),
        )
    }
  })
  fastify.addHook('onClose', async () => {
    await Promise.all([...map.values()].map((cluster) => cluster.stop()))
  })
}

export default fp(clusters, { name: 'clusters' })
