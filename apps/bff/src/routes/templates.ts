import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  BulkAccepted,
  ClusterParams,
  expandNamePattern,
  InstantiateRequest,
  TemplateList,
  TemplateParams,
  VmCreateQuery,
  VmCreateResult,
} from '@vmdeck/shared'
import { isVisible } from '../kube/access.ts'
import { httpError } from '../kube/http-error.ts'
import { createVm } from '../kube/api/vm-requests.ts'
import { startBulk } from '../lib/bulk-run.ts'
import {
  instanceManifest,
  isTemplate,
  sshPropagation,
  templateSummary,
} from '../lib/vm-template.ts'
import { identityOf, visibleVm, visibleVmNamespaces, VMS } from '../plugins/app/user-access.ts'

/** The template catalog, and a batch of new VMs from one template as one bulk task. */
const templates: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/templates',
    {
      schema: {
        tags: ['templates'],
        summary: 'The templates the user may see, with category, description and size',
        params: ClusterParams,
        response: { 200: TemplateList },
      },
    },
    async (request) => {
      const cluster = request.cluster
      const visibility = await visibleVmNamespaces(cluster, identityOf(request))
      const rows = [...cluster.vms.summaries()].filter(
        (vm) => isTemplate(vm.labels) && isVisible(visibility, vm.namespace),
      )
      // The cache keeps no annotations; templates are few, so each is read once.
      const items = await Promise.all(
        rows.map(async (row) => {
          const { vm } = await cluster.vms.objects(row.namespace, row.name)
          return templateSummary(
            row,
            vm?.metadata?.annotations,
            vm !== undefined && sshPropagation(vm) !== undefined,
          )
        }),
      )
      items.sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name))
      return { items }
    },
  )

  fastify.post(
    '/templates/:namespace/:name/instantiate',
    {
      schema: {
        tags: ['templates'],
        summary:
          'Create VMs from a template with a name pattern, as one bulk task; ?dryRun=true answers the first VM without creating it',
        params: TemplateParams,
        querystring: VmCreateQuery,
        body: InstantiateRequest,
        response: { 200: VmCreateResult, 202: BulkAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params
      const cluster = request.cluster
      const identity = identityOf(request)
      const { pattern, count, start, sshKeySecret, size } = request.body
      const dryRun = request.query.dryRun === true
      const { vm } = await visibleVm(cluster, identity, namespace, name)
      if (!isTemplate(vm.metadata?.labels))
        throw httpError(404, `There is no template "${name}" in ${namespace}.`, 'NOT_FOUND')
      if (sshKeySecret && !sshPropagation(vm))
        throw httpError(
          400,
          `Template ${name} has no cloud-init disk to carry an SSH key; add one, or leave the key out.`,
          'BAD_REQUEST',
        )
      const expanded = expandNamePattern(pattern)
      if (!expanded.ok) throw httpError(400, expanded.error, 'BAD_REQUEST')
      const names = expanded.names
      if (count !== undefined && count !== names.length)
        throw httpError(400, `The pattern names ${names.length} VMs, not ${count}.`, 'BAD_REQUEST')
      // Refused before anything is created: a batch either starts whole or not at all.
      const taken = names.filter((n) => cluster.vms.get(namespace, n))
      if (taken.length)
        throw httpError(
          400,
          `${taken.length === 1 ? 'A VM' : `${taken.length} VMs`} with ${taken.length === 1 ? 'this name' : 'these names'} already exist${taken.length === 1 ? 's' : ''} in ${namespace}: ${taken.slice(0, 5).join(', ')}${taken.length > 5 ? ', …' : ''}.`,
          'BAD_REQUEST',
        )
      const decision = await cluster.access.can(identity.token, {
        verb: 'create',
        ...VMS,
        namespace,
      })
      if (!decision.allowed)
        throw httpError(
          403,
          `User "${identity.username}" may not create VMs in ${namespace}.`,
          'K8S_FORBIDDEN',
        )
      const client = cluster.clientFor(identity.token)
      const manifests = new Map(
        names.map((n) => [
          n,
          instanceManifest(vm, { name: n, start: start ?? false, sshKeySecret, size }),
        ]),
      )
      // The API server and KubeVirt's admission judge one copy first, so a bad template fails
      // the request rather than every child.
      const first = names[0]!
      const judged = await createVm(client, namespace, manifests.get(first)!, { dryRun: true })
      if (dryRun)
        return reply.code(200).send({
          namespace,
          name: first,
          dryRun,
          manifest: judged ?? manifests.get(first)!,
        })
      const taskId = startBulk({
        recorder: fastify.tasksOf(cluster),
        store: cluster.tasks,
        user: identity,
        client,
        action: 'create',
        template: `${namespace}/${name}`,
        create: (target) =>
          createVm(client, namespace, manifests.get(target.name)!, { dryRun: false }),
        vms: names.map((n) => ({ namespace, name: n })),
        namespace,
      })
      request.log.info(
        { user: identity.username, namespace, template: name, count: names.length, task: taskId },
        'vms from template',
      )
      const plural = names.length === 1 ? '' : 's'
      return reply.code(202).send({
        taskId,
        count: names.length,
        sample: names.slice(0, 20).map((n) => ({ namespace, name: n })),
        message: `Creating ${names.length} VM${plural} from template ${name} (task ${taskId}).`,
      })
    },
  )
}

export default templates
