import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { VmParams } from '@vmdeck/shared'
import { Type } from 'typebox'
import { createReadStream } from 'node:fs'
import { httpError } from '../kube/http-error.ts'
import type { Cluster } from '../kube/cluster.ts'
import {
  listRecordings,
  recordingFile,
  recordingKindOf,
  type RecordingKind,
  type RecordingSettings,
} from '../lib/console-recording.ts'
import type { Identity } from '../lib/identity.ts'
import { identityOf } from '../plugins/app/user-access.ts'

export interface RecordingsOptions {
  /** Where console recordings are kept; none: nothing is recorded, nothing listed. */
  recordings: RecordingSettings | undefined
}

const RecordingParams = Type.Object({
  ...VmParams.properties,
  id: Type.String({ minLength: 1, maxLength: 200 }),
})

const RecordingItem = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('vnc'), Type.Literal('serial')]),
  startedAt: Type.String(),
  modifiedAt: Type.String(),
  bytes: Type.Integer(),
})
const RecordingList = Type.Object({
  /** New console sessions of this VM's namespace are recorded. */
  recorded: Type.Boolean(),
  items: Type.Array(RecordingItem),
})

const SUBRESOURCE: Record<RecordingKind, string> = { vnc: 'vnc', serial: 'console' }
const CONTENT_TYPE: Record<RecordingKind, string> = {
  vnc: 'application/octet-stream',
  serial: 'text/plain; charset=utf-8',
}

/**
 * Whoever may open a VM's console may see its recordings, and nobody else: `get` on
 * `virtualmachineinstances/vnc` for VNC recordings, `…/console` for serial transcripts, as the
 * API server decides for the user (the same right that lets them watch the session live).
 */
async function mayWatch(
  cluster: Cluster,
  identity: Identity,
  namespace: string,
  name: string,
  kind: RecordingKind,
): Promise<boolean> {
  const decision = await cluster.access.can(identity.token, {
    verb: 'get',
    group: 'subresources.kubevirt.io',
    resource: 'virtualmachineinstances',
    subresource: SUBRESOURCE[kind],
    namespace,
    name,
  })
  return decision.allowed
}

/**
 * `GET …/namespaces/{ns}/vms/{name}/recordings` and `…/recordings/{id}`: a VM's console
 * recordings (lib/console-recording.ts). Not in the VM scope: a recording outlives its VM, and
 * the right to see it is the console's, not the VM's. A recording one may not see and one that
 * does not exist get the same 404.
 */
const recordings: FastifyPluginAsyncTypebox<RecordingsOptions> = async (fastify, options) => {
  const settings = options.recordings
  const log = fastify.log.child({ component: 'consoles' })

  fastify.get(
    '/',
    {
      schema: {
        tags: ['consoles'],
        summary: "The VM's console recordings you may see, newest first",
        params: VmParams,
        response: { 200: RecordingList },
      },
    },
    async (request) => {
      const { namespace, name } = request.params
      if (!settings) return { recorded: false, items: [] }
      const identity = identityOf(request)
      const kinds = new Set<RecordingKind>()
      await Promise.all(
        (['vnc', 'serial'] as const).map(async (kind) => {
          if (await mayWatch(request.cluster, identity, namespace, name, kind)) kinds.add(kind)
        }),
      )
      return {
        recorded: settings.namespaces.has(namespace),
        items: listRecordings(settings, request.cluster.id, namespace, name, kinds),
      }
    },
  )

  fastify.get(
    '/:id',
    {
      schema: {
        tags: ['consoles'],
        summary:
          'One recording: a serial transcript as text, a VNC recording as its frames (docs/API.md#console-recordings)',
        params: RecordingParams,
      },
    },
    async (request, reply) => {
      const { namespace, name, id } = request.params
      const notFound = () =>
        httpError(404, `There is no recording ${id} of ${namespace}/${name}.`, 'NOT_FOUND')
      const kind = recordingKindOf(id)
      if (!settings || !kind) throw notFound()
      const identity = identityOf(request)
      // Asked before the disk is: the answer takes as long either way.
      if (!(await mayWatch(request.cluster, identity, namespace, name, kind))) throw notFound()
      const file = recordingFile(settings, request.cluster.id, namespace, name, id)
      if (!file) throw notFound()
      log.info(
        { cluster: request.cluster.id, namespace, name, recording: id, user: identity.username },
        'console recording fetched',
      )
      return reply
        .header('content-type', CONTENT_TYPE[file.kind])
        .header('content-length', file.bytes)
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `inline; filename="${id}"`)
        .send(createReadStream(file.path))
    },
  )
}

export default recordings
