import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RecordingSettings } from '../lib/console-recording.ts'
import { resolveCluster } from '../plugins/app/route-context.ts'
import bulk from './bulk.ts'
import catalogs from './catalogs.ts'
import createVm from './create-vm.ts'
import fleetMetrics from './fleet-metrics.ts'
import insight from './insight.ts'
import metrics from './metrics.ts'
import migrations from './migrations.ts'
import namespaces from './namespaces.ts'
import nodes from './nodes.ts'
import permissions from './permissions.ts'
import recordings from './recordings.ts'
import stream from './stream.ts'
import tasks from './tasks.ts'
import templates from './templates.ts'
import vmScope from './vm-scope.ts'
import vms from './vms.ts'

export interface ClusterScopeOptions {
  /** Uncached access reviews a user's `/permissions` calls may cause per minute. */
  permissionReviewsPerMinute: number
  /** Event streams open at once per user. */
  maxStreamsPerUser: number
  /** Console recordings, when on (lib/console-recording.ts). */
  recordings: RecordingSettings | undefined
}

/**
 * Everything under `/api/v1/clusters/{cluster}`: the cluster is resolved once, before any
 * handler (`request.cluster`); VM routes live in their own scope below.
 */
const clusterScope: FastifyPluginAsyncTypebox<ClusterScopeOptions> = async (fastify, options) => {
  fastify.addHook('preHandler', resolveCluster)
  await fastify.register(vms)
  await fastify.register(createVm)
  await fastify.register(namespaces)
  await fastify.register(catalogs)
  await fastify.register(nodes)
  await fastify.register(migrations)
  await fastify.register(permissions, { reviewsPerMinute: options.permissionReviewsPerMinute })
  await fastify.register(stream, { maxPerUser: options.maxStreamsPerUser })
  await fastify.register(metrics)
  await fastify.register(fleetMetrics)
  await fastify.register(tasks)
  await fastify.register(bulk)
  await fastify.register(templates)
  await fastify.register(insight, { prefix: '/insight' })
  await fastify.register(vmScope, { prefix: '/namespaces/:namespace/vms/:name' })
  await fastify.register(recordings, {
    prefix: '/namespaces/:namespace/vms/:name/recordings',
    recordings: options.recordings,
  })
}

export default clusterScope
