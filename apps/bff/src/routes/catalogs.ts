import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CatalogDataSourceList,
  CatalogNameList,
  CatalogNetworkList,
  CatalogQuery,
  CatalogSizingList,
  CatalogStorageClassList,
  ClusterParams,
  NamespaceParams,
  NetworkParams,
  OperationAccepted,
  VlanNetworkForm,
} from '@vmdeck/shared'
import {
  createNetworkAttachment,
  deleteNetworkAttachment,
  listAs,
} from '../kube/api/catalog-requests.ts'
import { paths } from '../kube/api/paths.ts'
import { namespaceVms } from '../kube/api/vm-config-requests.ts'
import { httpError } from '../kube/http-error.ts'
import {
  isSshKeySecret,
  toDataSource,
  toNetwork,
  toSizing,
  toStorageClass,
  vlanIds,
  vlanNetwork,
  vmsUsingNetwork,
} from '../lib/catalogs.ts'
import { identityOf } from '../plugins/app/user-access.ts'

/**
 * `GET /api/v1/clusters/{c}/catalogs/…`: what forms pick from, read as the user; plus creating
 * VLAN networks and deleting one no VM uses.
 */
const catalogs: FastifyPluginAsyncTypebox = async (fastify) => {
  const schema = (summary: string, response: object) => ({
    tags: ['catalogs'],
    summary,
    params: ClusterParams,
    querystring: CatalogQuery,
    response: { 200: response },
  })

  fastify.get(
    '/catalogs/instancetypes',
    { schema: schema('Cluster instancetypes, and those of ?namespace=', CatalogSizingList) },
    async (request) => {
      const client = request.cluster.clientFor(identityOf(request).token)
      const { namespace } = request.query
      const [cluster, local] = await Promise.all([
        listAs(client, paths.clusterInstancetypes()),
        namespace ? listAs(client, paths.instancetypes(namespace)) : [],
      ])
      return {
        items: [...cluster.map((o) => toSizing(o, true)), ...local.map((o) => toSizing(o, false))],
      }
    },
  )

  fastify.get(
    '/catalogs/preferences',
    { schema: schema('Cluster preferences, and those of ?namespace=', CatalogSizingList) },
    async (request) => {
      const client = request.cluster.clientFor(identityOf(request).token)
      const { namespace } = request.query
      const [cluster, local] = await Promise.all([
        listAs(client, paths.clusterPreferences()),
        namespace ? listAs(client, paths.preferences(namespace)) : [],
      ])
      return {
        items: [...cluster.map((o) => toSizing(o, true)), ...local.map((o) => toSizing(o, false))],
      }
    },
  )

  fastify.get(
    '/catalogs/datasources',
    { schema: schema('DataSources (golden images) with their readiness', CatalogDataSourceList) },
    async (request) => {
      const client = request.cluster.clientFor(identityOf(request).token)
      const items = await listAs(client, paths.dataSources(request.query.namespace))
      return { items: items.map(toDataSource) }
    },
  )

  fastify.get(
    '/catalogs/storageclasses',
    { schema: schema('Storage classes', CatalogStorageClassList) },
    async (request) => {
      const client = request.cluster.clientFor(identityOf(request).token)
      return { items: (await listAs(client, paths.storageClasses())).map(toStorageClass) }
    },
  )

  fastify.get(
    '/catalogs/networks',
    { schema: schema('NetworkAttachmentDefinitions (Multus networks)', CatalogNetworkList) },
    async (request) => {
      const client = request.cluster.clientFor(identityOf(request).token)
      const items = await listAs(client, paths.networkAttachments(request.query.namespace))
      return { items: items.map(toNetwork) }
    },
  )

  fastify.get(
    '/catalogs/ssh-keys',
    { schema: schema('Secrets of SSH public keys in ?namespace= (names only)', CatalogNameList) },
    async (request) => {
      const { namespace } = request.query
      if (!namespace) throw httpError(400, 'Name the namespace (?namespace=).', 'BAD_REQUEST')
      const client = request.cluster.clientFor(identityOf(request).token)
      // Key material is read to classify the Secret and never leaves this function.
      const secrets = await listAs(client, paths.secrets(namespace))
      return {
        items: secrets.filter(isSshKeySecret).map((s) => ({ name: s.metadata?.name ?? '' })),
      }
    },
  )

  fastify.post(
    '/namespaces/:namespace/networks/vlan',
    {
      schema: {
        tags: ['catalogs'],
        summary: 'Create VLAN networks (bridge NADs `{prefix}-{vlan}`), one or a range',
        params: NamespaceParams,
        body: VlanNetworkForm,
        response: { 201: CatalogNetworkList },
      },
    },
    async (request, reply) => {
      const { namespace } = request.params
      const identity = identityOf(request)
      const client = request.cluster.clientFor(identity.token)
      const form = request.body
      const ids = vlanIds(form)
      const created = []
      for (const vlan of ids) {
        const name = `${form.prefix}-${vlan}`
        await createNetworkAttachment(
          client,
          namespace,
          vlanNetwork(namespace, name, vlan, form.bridge ?? 'br1'),
        )
        created.push({ namespace, name, type: 'bridge', vlan })
      }
      request.log.info(
        { user: identity.username, namespace, networks: created.map((n) => n.name) },
        'vlan networks created',
      )
      return reply.code(201).send({ items: created })
    },
  )

  fastify.delete(
    '/namespaces/:namespace/networks/:name',
    {
      schema: {
        tags: ['catalogs'],
        summary: 'Delete a NetworkAttachmentDefinition no VM of its namespace uses',
        params: NetworkParams,
        response: { 202: OperationAccepted },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params
      const identity = identityOf(request)
      const client = request.cluster.clientFor(identity.token)
      const users = vmsUsingNetwork(await namespaceVms(client, namespace), namespace, name)
      if (users.length)
        throw httpError(
          409,
          `Network ${name} is in use by ${users.join(', ')}; remove it from ${users.length === 1 ? 'that VM' : 'those VMs'} first.`,
          'NETWORK_IN_USE',
        )
      await deleteNetworkAttachment(client, namespace, name)
      request.log.info({ user: identity.username, namespace, name }, 'network deleted')
      return reply
        .code(202)
        .send({ accepted: true, message: `Deleting network ${name}.`, namespace, name })
    },
  )
}

export default catalogs
