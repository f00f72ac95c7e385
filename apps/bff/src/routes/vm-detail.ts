import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { dumpYaml, type KubernetesObject } from '@kubernetes/client-node'
import {
  CloudInitReveal,
  DeleteVmQuery,
  OperationAccepted,
  VmDetail,
  VmEventList,
  VmParams,
  VmYaml,
} from '@vmdeck/shared'
import { Type } from 'typebox'
import { cloudInitOf, maskCloudInit } from '../lib/cloud-init.ts'
import { snapshotsOf } from '../kube/snapshots.ts'
import {
  deleteVm,
  dropDataVolumeTemplates,
  getVm,
  namespaceEvents,
  releaseDataVolume,
} from '../kube/api/vm-requests.ts'
import type { VirtualMachine } from '../kube/types.ts'
import { toVmDetail } from '../kube/view-models/vm-detail.ts'
import { toVmEvent } from '../kube/view-models/vm-event.ts'
import { recordTask, vmTarget } from '../plugins/app/tasks.ts'
import { identityOf } from '../plugins/app/user-access.ts'

/** Drops what only the API server's bookkeeping needs, and masks inline cloud-init data. */
function forDisplay(object: KubernetesObject): KubernetesObject {
  const copy = structuredClone(object) as KubernetesObject & {
    metadata?: { managedFields?: unknown }
  }
  if (copy.metadata) delete copy.metadata.managedFields
  return maskCloudInit(copy)
}

const vmDetail: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '',
    {
      schema: {
        tags: ['vms'],
        summary: 'One VM: summary plus disks, NICs, conditions, snapshots, migration, guest info',
        params: VmParams,
        response: { 200: VmDetail },
      },
    },
    async (request) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const { vm, vmi } = request.routeVm
      const snapshots = await snapshotsOf(cluster.clientFor(identity.token), namespace, name)
      return toVmDetail(vm, vmi, {
        snapshots,
        migration: cluster.migrations.latestFor(namespace, name),
      })
    },
  )

  fastify.delete(
    '',
    {
      schema: {
        tags: ['vms'],
        summary: 'Delete a VM, with its owned disks (default) or keeping them',
        params: VmParams,
        querystring: DeleteVmQuery,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const { vm } = request.routeVm
      const client = cluster.clientFor(identity.token)
      const keepDisks = request.query.deleteDisks === false
      const owned = ((vm as VirtualMachine).spec?.dataVolumeTemplates ?? [])
        .map((t) => t.metadata?.name)
        .filter((n): n is string => Boolean(n))
      await recordTask(
        request,
        {
          action: 'delete',
          target: vmTarget(request),
          parameters: { keepDisks: String(keepDisks) },
        },
        async () => {
          if (keepDisks) {
            // Owned DataVolumes go with their VM (ownerReference garbage collection) unless released.
            if (owned.length > 0)
              await dropDataVolumeTemplates(client, namespace, name, vm.metadata?.uid)
            for (const dv of owned) await releaseDataVolume(client, namespace, dv, vm.metadata?.uid)
          }
          await deleteVm(client, namespace, name, vm.metadata?.uid)
        },
      )
      request.log.info({ user: identity.username, namespace, name, keepDisks }, 'vm deleted')
      return reply.code(202).send({
        accepted: true,
        message:
          owned.length === 0
            ? `Deleting VM ${name}.`
            : keepDisks
              ? `Deleting VM ${name}; its disks (${owned.join(', ')}) are kept.`
              : `Deleting VM ${name} and its disks (${owned.join(', ')}).`,
        namespace,
        name,
      })
    },
  )

  fastify.get(
    '/events',
    {
      schema: {
        tags: ['vms'],
        summary: 'Kubernetes events of the VM, its VMI and its virt-launcher pod, newest first',
        params: VmParams,
        response: { 200: VmEventList },
      },
    },
    async (request) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const events = await namespaceEvents(cluster.clientFor(identity.token), namespace)
      const launcher = `virt-launcher-${name}-`
      const items = events
        .filter((e) => {
          const object = e.involvedObject
          if (!object?.name) return false
          if (object.kind === 'Pod') return object.name.startsWith(launcher)
          return (
            object.name === name &&
            (object.kind === 'VirtualMachine' || object.kind === 'VirtualMachineInstance')
          )
        })
        .map(toVmEvent)
        .sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))
        .slice(0, 500)
      return { items }
    },
  )

  fastify.get(
    '/yaml',
    {
      schema: {
        tags: ['vms'],
        summary: 'The raw VirtualMachine and VirtualMachineInstance as YAML (read-only)',
        params: VmParams,
        response: { 200: VmYaml },
      },
    },
    async (request) => {
      const { vm, vmi } = request.routeVm
      return {
        items: [vm, ...(vmi ? [vmi] : [])].map((object) => ({
          kind: object.kind ?? '',
          name: object.metadata?.name ?? '',
          yaml: dumpYaml(forDisplay(object)),
        })),
      }
    },
  )

  fastify.post(
    '/cloud-init/reveal',
    {
      schema: {
        tags: ['vms'],
        summary: 'The cloud-init data the YAML view masks (needs get on the VM; recorded)',
        params: VmParams,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 200: CloudInitReveal },
      },
    },
    async (request) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      // Read as the user, not from the shared cache: the API server checks (and audits) `get`.
      const vm = await getVm(cluster.clientFor(identity.token), namespace, name)
      const items = cloudInitOf(vm)
      request.log.info(
        {
          user: identity.username,
          cluster: cluster.id,
          namespace,
          name,
          volumes: items.map((item) => item.volume),
        },
        'cloud-init revealed',
      )
      return { items }
    },
  )
}

export default vmDetail
