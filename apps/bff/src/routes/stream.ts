import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  ClusterParams,
  streamTopics,
  type StreamEvent,
  type StreamTopic,
} from '@vmdeck/shared'
import { Type } from 'typebox'
import { getCluster } from '../lib/get-cluster.ts'
import { httpError } from '../lib/http-error.ts'

const KEEPALIVE_MS = 15_000

/**
 * `GET /api/v1/clusters/{c}/events/stream?topics=vms`: one server-sent event stream per tab.
 * Every (re)connect starts with `sync`, so the browser refetches what it holds and missed events
 * heal; then changes from the shared caches follow.
 */
const stream: FastifyPluginAsyncTypebox = async (fastify) => {
  // Open streams never go idle, so they are ended before the server closes or it would wait forever.
  const open = new Set<() => void>()
  fastify.addHook('preClose', async () => {
    for (const end of open) end()
  })
  fastify.get(
    '/api/v1/clusters/:cluster/events/stream',
    {
      schema: {
        params: ClusterParams,
        querystring: Type.Object({ topics: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { '4xx': ApiErrorBody, '5xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
      const cluster = getCluster(fastify, request.params.cluster, { requireSynced: false })
      const requested = (request.query.topics ?? 'vms').split(',').filter(Boolean)
      const unknown = requested.filter((t) => !(streamTopics as readonly string[]).includes(t))
      if (unknown.length)
        throw httpError(
          400,
          `Unknown stream topic(s): ${unknown.join(', ')}. Known: ${streamTopics.join(', ')}.`,
          'BAD_TOPIC',
        )
      const topics = requested as StreamTopic[]

      reply.hijack()
      const raw = reply.raw
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      const send = ({ event, data }: StreamEvent) =>
        raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
      const unsubscribe = topics.includes('vms')
        ? cluster.vms.subscribe((change) => send({ event: 'vms', data: change }))
        : () => true
      send({ event: 'sync', data: { topics } })
      const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS)
      const end = () => raw.end()
      open.add(end)
      raw.on('close', () => {
        clearInterval(keepalive)
        unsubscribe()
        open.delete(end)
      })
    },
  )
}

export default stream
