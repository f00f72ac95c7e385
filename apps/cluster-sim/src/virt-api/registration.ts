// Registers virt-api with kube-apiserver the way virt-operator does (kubevirt v1.9.0
// `pkg/virt-operator/resource/generate/components/{apiservices,webhooks}.go`): the Service
// kubevirt/virt-api, one APIService per subresource version, and the webhook configurations.
//
// How the aggregator reaches a server on 127.0.0.1: kube-apiserver runs without
// --enable-aggregator-routing, so it resolves an APIService's Service with
// k8s.io/apiserver `proxy.ResolveCluster`, which for `type: ExternalName` answers
// `https://<externalName>:<APIService port>` without looking at endpoints (a ClusterIP would be
// an unroutable 10.96.x.x here), and the availability controller checks endpoints only for
// ClusterIP services. The TLS server name stays `virt-api.kubevirt.svc`
// (kube-aggregator `BuildTransportConfig`), hence that SAN in virt-api's certificate.
// The webhooks name their URL instead of the Service, as the ExternalName detour is only
// needed where the API has no URL field.
import { apply } from '../cluster/bootstrap.ts'
import type { KubeClient } from '../cluster/kube-client.ts'
import { SUBRESOURCE_GROUP, SUBRESOURCE_VERSIONS } from '../kubevirt/subresources.ts'
import { EVICTION_WEBHOOK } from '../kubevirt/eviction.ts'
import { WEBHOOK_PATHS } from './admission-webhooks.ts'

export const VIRT_API_NAMESPACE = 'kubevirt'
export const VIRT_API_SERVICE = 'virt-api'
/** The name the aggregator expects in virt-api's certificate. */
export const VIRT_API_SERVER_NAME = `${VIRT_API_SERVICE}.${VIRT_API_NAMESPACE}.svc`

const def = (group: string, version: string, plural: string, namespaced: boolean) => ({
  group,
  version,
  plural,
  namespaced,
})
const defs = {
  namespace: def('', 'v1', 'namespaces', false),
  service: def('', 'v1', 'services', true),
  apiService: def('apiregistration.k8s.io', 'v1', 'apiservices', false),
  validating: def('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', false),
  mutating: def('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', false),
}

/** `v1.ApiSupportedWebhookVersions`. */
const kubevirtVersions = ['v1alpha3', 'v1']
const managedBy = { 'app.kubernetes.io/managed-by': 'virt-operator' }

export const apiServiceName = (version: string) => `${version}.${SUBRESOURCE_GROUP}`

export interface Registration {
  /** Where virt-api listens on 127.0.0.1. */
  port: number
  /** PEM of the CA that signed virt-api's serving certificate. */
  ca: string
}

/** Applies (server-side, idempotently) everything that points kube-apiserver at virt-api. */
export async function registerVirtApi(
  client: KubeClient,
  registration: Registration,
): Promise<void> {
  const { port } = registration
  const caBundle = Buffer.from(registration.ca).toString('base64')
  await apply(client, defs.namespace, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: VIRT_API_NAMESPACE },
  })
  await apply(client, defs.service, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: VIRT_API_SERVICE,
      namespace: VIRT_API_NAMESPACE,
      labels: { 'kubevirt.io': 'virt-api', ...managedBy },
    },
    spec: {
      type: 'ExternalName',
      externalName: '127.0.0.1',
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    },
  })
  await Promise.all(
    SUBRESOURCE_VERSIONS.map((version) =>
      apply(client, defs.apiService, {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: {
          name: apiServiceName(version),
          labels: { 'kubevirt.io': 'virt-api-aggregator', ...managedBy },
        },
        spec: {
          service: { namespace: VIRT_API_NAMESPACE, name: VIRT_API_SERVICE, port },
          group: SUBRESOURCE_GROUP,
          version,
          caBundle,
          groupPriorityMinimum: 1000,
          versionPriority: 15,
        },
      }),
    ),
  )
  const url = (path: string) => ({ url: `https://127.0.0.1:${port}${path}`, caBundle })
  const common = {
    admissionReviewVersions: ['v1'],
    failurePolicy: 'Fail',
    timeoutSeconds: 10,
  }
  const kubevirtRule = (operations: string[], resource: string) => ({
    operations,
    apiGroups: ['kubevirt.io'],
    apiVersions: kubevirtVersions,
    resources: [resource],
  })
  await apply(client, defs.validating, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: {
      name: 'virt-api-validator',
      labels: { 'kubevirt.io': 'virt-api-validator', ...managedBy },
    },
    webhooks: [
      {
        ...common,
        name: EVICTION_WEBHOOK,
        sideEffects: 'NoneOnDryRun',
        rules: [
          { operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/eviction'] },
        ],
        clientConfig: url(WEBHOOK_PATHS.podEvictionValidate),
        matchConditions: [
          { name: 'only-vms', expression: 'object.metadata.name.startsWith("virt-launcher")' },
        ],
      },
      {
        ...common,
        name: 'virtualmachine-validator.kubevirt.io',
        sideEffects: 'None',
        rules: [kubevirtRule(['CREATE', 'UPDATE'], 'virtualmachines')],
        clientConfig: url(WEBHOOK_PATHS.vmValidate),
      },
      {
        ...common,
        name: 'migration-create-validator.kubevirt.io',
        sideEffects: 'None',
        rules: [kubevirtRule(['CREATE'], 'virtualmachineinstancemigrations')],
        clientConfig: url(WEBHOOK_PATHS.migrationValidateCreate),
      },
    ],
  })
  await apply(client, defs.mutating, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: 'virt-api-mutator',
      labels: { 'kubevirt.io': 'virt-api-mutator', ...managedBy },
    },
    webhooks: [
      {
        ...common,
        name: 'migrations-mutator.kubevirt.io',
        sideEffects: 'None',
        rules: [kubevirtRule(['CREATE'], 'virtualmachineinstancemigrations')],
        clientConfig: url(WEBHOOK_PATHS.migrationMutateCreate),
      },
    ],
  })
}

interface ApiServiceObject {
  metadata: { name?: string }
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] }
}

const availability = (apiService: ApiServiceObject | undefined) =>
  apiService?.status?.conditions?.find((c) => c.type === 'Available')

/**
 * Resolves once kube-apiserver's availability controller reports every subresource APIService
 * Available (it reached virt-api's discovery); rejects with its last reason after `timeoutMs`.
 */
export async function waitAvailable(client: KubeClient, timeoutMs = 30_000): Promise<void> {
  const names = new Set(SUBRESOURCE_VERSIONS.map(apiServiceName))
  const path = '/apis/apiregistration.k8s.io/v1/apiservices'
  const list = await client.json<{
    items: ApiServiceObject[]
    metadata: { resourceVersion: string }
  }>('GET', path)
  const latest = new Map<string, ApiServiceObject>()
  for (const item of list.items)
    if (names.has(item.metadata.name ?? '')) latest.set(item.metadata.name ?? '', item)
  const done = () => [...names].every((name) => availability(latest.get(name))?.status === 'True')
  if (done()) return
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  let resourceVersion = list.metadata.resourceVersion
  try {
    while (!done() && !abort.signal.aborted)
      await client.watch(
        `${path}?watch=1&resourceVersion=${resourceVersion}`,
        (event) => {
          const object = event.object as unknown as ApiServiceObject & {
            metadata: { resourceVersion?: string }
          }
          resourceVersion = object.metadata.resourceVersion ?? resourceVersion
          if (!names.has(object.metadata.name ?? '')) return
          latest.set(object.metadata.name ?? '', object)
          if (done()) abort.abort()
        },
        abort.signal,
      )
  } finally {
    clearTimeout(timer)
  }
  if (!done()) {
    const why = [...names]
      .map((name) => {
        const condition = availability(latest.get(name))
        return `${name}: ${condition ? `${condition.reason ?? ''} ${condition.message ?? ''}` : 'no status'}`
      })
      .join('; ')
    throw new Error(`the virt-api APIServices did not become Available: ${why}`)
  }
}
