import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ClusterParams, NodeActionParams, NodeList, OperationAccepted } from '@vmdeck/shared'
import { Type } from 'typebox'
import { setUnschedulable } from '../kube/api/node-requests.ts'
import { Drainer } from '../kube/drain.ts'
import type { Cluster } from '../kube/cluster.ts'
import { httpError } from '../kube/http-error.ts'
import { recordTask } from '../plugins/app/tasks.ts'
import { identityOf } from '../plugins/app/user-access.ts'

const nodes: FastifyPluginAsyncTypebox = async (fastify) => {
  const drainers = new Map<Cluster, Drainer>()
  const drainerOf = (cluster: Cluster) => {
    let drainer = drainers.get(cluster)
    if (!drainer) drainers.set(cluster, (drainer = new Drainer(cluster, { log: fastify.log })))
    return drainer
  }
  fastify.addHook('onClose', async () => {
    for (const drainer of drainers.values()) drainer.stopAll()
  })

  fastify.get(
    '/nodes',
    {
      schema: {
        tags: ['nodes'],
        summary: 'Hosts with capacity, allocatable, what VMs use, VM count, drain progress',
        params: ClusterParams,
        response: { 200: NodeList },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const identity = identityOf(request)
      const decision = await cluster.access.can(identity.token, { verb: 'list', resource: 'nodes' })
      if (!decision.allowed)
        throw httpError(403, 'You may not list the nodes of this cluster.', 'K8S_FORBIDDEN')
      return {
        items: [...cluster.nodes.list()].sort((a, b) => a.name.localeCompare(b.name)),
      }
    },
  )

  fastify.post(
    '/nodes/:node/:action',
    {
      schema: {
        tags: ['nodes'],
        summary: 'Cordon, uncordon or drain (cordon, then evict every VM) a node',
        params: NodeActionParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { node, action } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const client = cluster.clientFor(identity.token)
      const drainer = drainerOf(cluster)
      // The API server decides (403 for users who may not patch nodes; 404 for unknown nodes).
      // A drain is one task: its cordon, then the evictions.
      await recordTask(request, { action, target: { kind: 'Node', name: node } }, async () => {
        await setUnschedulable(client, node, action !== 'uncordon')
        if (action === 'drain') await drainer.start(node, identity.token, identity.username)
      })
      request.log.info({ user: identity.username, node, action }, 'node operation')
      if (action === 'uncordon') {
        drainer.cancel(node)
        cluster.nodes.setDrain(node, undefined)
        return reply
          .code(202)
          .send({ accepted: true, message: `Node ${node} accepts new VMs again.`, name: node })
      }
      if (action === 'cordon')
        return reply.code(202).send({
          accepted: true,
          message: `Node ${node} is cordoned: no new VMs will be scheduled on it.`,
          name: node,
        })
      const drain = cluster.nodes.drainOf(node)
      if (drain?.phase === 'Failed')
        throw httpError(403, drain.message ?? 'Drain failed.', 'K8S_FORBIDDEN')
      return reply.code(202).send({
        accepted: true,
        message: `Draining node ${node}: ${drain?.remaining ?? 0} VM(s) to move or stop.`,
        name: node,
      })
    },
  )
}

export default nodes
