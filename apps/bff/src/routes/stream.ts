import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ClusterParams, streamTopics, type StreamEvent, type StreamTopic } from '@vmdeck/shared'
import { Type } from 'typebox'
import { isVisible, type Visibility } from '../kube/access.ts'
import type { Cluster } from '../kube/cluster.ts'
import { matches } from '../kube/session-revocations.ts'
import { httpError, tooManyRequests } from '../kube/http-error.ts'
import { LogThrottle } from '../lib/log-throttle.ts'
import { SseEncoder } from '../lib/sse-encoder.ts'
import { StreamHub } from '../lib/stream-hub.ts'
import { identityOf, MIGRATIONS, VMS } from '../plugins/app/user-access.ts'
import type { Identity } from '../lib/identity.ts'

const KEEPALIVE_MS = 15_000
/** How often an open stream re-checks the user's access even without an RBAC event. */
const RECHECK_MS = 5_000
/** A client this far behind is cut off; it reconnects and gets a fresh `sync`. */
const MAX_BUFFERED_BYTES = 1024 * 1024

interface Access {
  vms: Visibility
  migrations: Visibility
  nodes: boolean
  /** Namespaces whose tasks the user sees (tasks about nodes follow `nodes`). */
  tasks: Visibility
}

async function accessOf(
  cluster: Cluster,
  identity: Identity,
  topics: StreamTopic[],
): Promise<Access> {
  const none: Visibility = { all: false, namespaces: new Set() }
  const [vms, migrations, nodes, tasks] = await Promise.all([
    topics.includes('vms')
      ? cluster.access.visibleNamespaces(identity.token, VMS, cluster.vms.namespaces())
      : none,
    topics.includes('migrations')
      ? cluster.access.visibleNamespaces(
          identity.token,
          MIGRATIONS,
          [...cluster.migrations.list()].map((m) => m.namespace),
        )
      : none,
    topics.includes('nodes')
      ? cluster.access
          .can(identity.token, { verb: 'list', resource: 'nodes' })
          .then((d) => d.allowed)
      : false,
    topics.includes('tasks')
      ? cluster.access.visibleNamespaces(identity.token, VMS, cluster.tasks.namespaces())
      : none,
  ])
  // Tasks about nodes are for those who may list nodes: ask when only `tasks` was asked for.
  const nodesSeen =
    nodes ||
    (topics.includes('tasks') &&
      (await cluster.access
        .can(identity.token, { verb: 'list', resource: 'nodes' })
        .then((d) => d.allowed)))
  return { vms, migrations, nodes: nodesSeen, tasks }
}

/** Streams with the same key see the same changes (they share each batch's bytes). */
const filterKey = (topics: StreamTopic[], a: Access) => {
  const key = (v: Visibility) => (v.all ? '*' : [...v.namespaces].sort().join(','))
  return `${[...topics].sort().join(',')}|${key(a.vms)}|${key(a.migrations)}|${a.nodes}|${key(a.tasks)}`
}

/** One hub per cluster, fed by one subscription per store whatever the number of streams. */
function hubOf(cluster: Cluster): StreamHub {
  const hub = new StreamHub()
  // A first list of 100,000 VMs is 100,000 additions: streams open meanwhile get one `sync` when
  // it has landed (they refetch) instead of every addition.
  let skipped = false
  cluster.vms.onSynced(() => {
    if (skipped) hub.resyncAll()
    skipped = false
  })
  cluster.vms.subscribe((change) => {
    if (cluster.vms.loading) return void (skipped = true)
    if (change.type === 'upsert')
      hub.publish('vms', `${change.vm.namespace}/${change.vm.name}`, change.vm.namespace, change)
    else hub.publish('vms', `${change.namespace}/${change.name}`, change.namespace, change)
  })
  cluster.migrations.subscribe((change) => {
    const namespace = change.type === 'upsert' ? change.migration.namespace : change.namespace
    const name = change.type === 'upsert' ? change.migration.name : change.name
    hub.publish('migrations', `${namespace}/${name}`, namespace, change)
  })
  // Tasks about nodes travel without a namespace: they follow the nodes permission.
  cluster.tasks.subscribe((change) => {
    const id = change.type === 'upsert' ? change.task.id : change.id
    const namespace = change.type === 'upsert' ? change.task.namespace : change.namespace
    const aboutNode = change.type === 'upsert' && change.task.target.kind === 'Node'
    hub.publish('tasks', id, aboutNode ? undefined : namespace, change)
  })
  cluster.nodes.subscribe((change) =>
    hub.publish(
      'nodes',
      change.type === 'upsert' ? change.node.name : change.name,
      undefined,
      change,
    ),
  )
  return hub
}

/**
 * `GET /api/v1/clusters/{c}/events/stream?topics=vms,nodes,migrations`: one server-sent event
 * stream per tab. Every (re)connect starts with `sync`, so the browser refetches what it holds and
 * missed events heal; then changes from the shared caches follow, filtered by what this user may
 * see. When the user's access changes (an RBAC change, or the periodic re-check), the stream
 * sends `sync` again and filters by the new access from then on.
 */
const stream: FastifyPluginAsyncTypebox<{ maxPerUser: number }> = async (fastify, options) => {
  // Open streams never go idle, so they are ended before the server closes or it would wait forever.
  const open = new Set<() => void>()
  const perUser = new Map<string, number>()
  const encoder = new SseEncoder()
  const hubs = new Map<Cluster, StreamHub>()
  // Hundreds of slow clients at once must not become hundreds of log lines.
  const slowWarning = new LogThrottle(10_000)
  fastify.addHook('preClose', async () => {
    for (const end of open) end()
  })
  fastify.get(
    '/events/stream',
    {
      config: { clusterMayBeDown: true },
      schema: {
        tags: ['stream'],
        summary: 'Server-sent events: sync, then vms / nodes / migrations changes',
        params: ClusterParams,
        querystring: Type.Object({ topics: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: {},
      },
    },
    async (request, reply) => {
      const cluster = request.cluster
      const identity = identityOf(request)
      const requested = [...new Set((request.query.topics ?? 'vms').split(',').filter(Boolean))]
      const unknown = requested.filter((t) => !(streamTopics as readonly string[]).includes(t))
      if (unknown.length)
        throw httpError(
          400,
          `Unknown stream topic(s): ${unknown.join(', ')}. Known: ${streamTopics.join(', ')}.`,
          'BAD_TOPIC',
        )
      const topics = requested as StreamTopic[]
      // Like consoles: each stream holds a socket and a share of every change; a user (or a
      // script with their token) may not open them without bound.
      const user = identity.username
      if ((perUser.get(user) ?? 0) >= options.maxPerUser)
        throw tooManyRequests(
          `You have ${options.maxPerUser} event streams open (one per tab); close a tab first.`,
          'TOO_MANY_STREAMS',
          5_000,
        )
      perUser.set(user, (perUser.get(user) ?? 0) + 1)
      let counted = true
      const uncount = () => {
        if (!counted) return
        counted = false
        const left = (perUser.get(user) ?? 1) - 1
        if (left > 0) perUser.set(user, left)
        else perUser.delete(user)
      }
      let access: Access
      try {
        access = await accessOf(cluster, identity, topics)
      } catch (err) {
        uncount()
        throw err
      }

      reply.hijack()
      const raw = reply.raw
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      let closed = false
      const write = (frame: Buffer | string) => {
        if (closed) return
        // A slow reader must not grow our memory: cut it off, EventSource reconnects by itself.
        if (raw.writableLength > MAX_BUFFERED_BYTES) {
          slowWarning.hit((clients) =>
            request.log.warn(
              { user, clients },
              'stream client too slow; disconnecting (count: clients since the last line)',
            ),
          )
          raw.destroy()
          return
        }
        raw.write(frame)
      }
      const send = (event: StreamEvent) => write(encoder.frame(event))

      // Changes come in batches from the cluster's hub, filtered by this user's access.
      let hub = hubs.get(cluster)
      if (!hub) hubs.set(cluster, (hub = hubOf(cluster)))
      const client = {
        sink: raw,
        filterKey: filterKey(topics, access),
        wants: (topic: StreamTopic, namespace: string | undefined) =>
          topics.includes(topic) &&
          (topic === 'nodes' || (topic === 'tasks' && namespace === undefined)
            ? access.nodes
            : isVisible(
                topic === 'vms' ? access.vms : topic === 'tasks' ? access.tasks : access.migrations,
                namespace ?? '',
              )),
        resync: () => send({ event: 'sync', data: { topics } }),
        stuck: () => {
          slowWarning.hit((clients) =>
            request.log.warn(
              { user, clients },
              'stream client too slow; disconnecting (count: clients since the last line)',
            ),
          )
          raw.destroy()
        },
      }
      const unsubscribes: (() => void)[] = [hub.add(client)]

      // Re-check access on RBAC changes and periodically; a change means a fresh `sync`.
      const session = identity.session
      let checking = false
      const recheck = () => {
        if (closed) return
        // The session may have ended since the stream opened (expiry, or a revocation missed).
        if (
          session &&
          (session.exp <= Date.now() ||
            fastify.revocations.isRevoked({ ...session, username: user }))
        )
          return void raw.end()
        if (checking) return
        checking = true
        accessOf(cluster, identity, topics)
          .then((next) => {
            if (closed || filterKey(topics, access) === filterKey(topics, next)) return
            access = next
            client.filterKey = filterKey(topics, next)
            send({ event: 'sync', data: { topics } })
          })
          .catch((err: unknown) => request.log.warn({ err }, 'stream access re-check failed'))
          .finally(() => (checking = false))
      }
      unsubscribes.push(cluster.access.onInvalidate(recheck))
      // Logout or "end this user's sessions", on this replica or another: the stream ends now.
      if (session)
        unsubscribes.push(
          fastify.revocations.onRevoked((revocation) => {
            if (matches(revocation, { ...session, username: user })) raw.end()
          }),
        )
      const recheckTimer = setInterval(recheck, RECHECK_MS)

      send({ event: 'sync', data: { topics } })
      const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS)
      const end = () => raw.end()
      open.add(end)
      raw.on('close', () => {
        closed = true
        uncount()
        clearInterval(keepalive)
        clearInterval(recheckTimer)
        for (const unsubscribe of unsubscribes) unsubscribe()
        open.delete(end)
      })
    },
  )
}

export default stream
