// Registers virt-api with kube-apiserver the way virt-operator does (kubevirt v1.9.0
// `pkg/virt-operator/resource/generate/components/{apiservices,webhooks}.go`): the Service
// kubevirt/virt-api and one APIService per subresource version (aggregated-api/api-service.ts
// says how the aggregator reaches 127.0.0.1), and the webhook configurations. The webhooks name
// their URL instead of the Service, as the ExternalName detour is only needed where the API has
// no URL field.
import { apply } from '../cluster/bootstrap.ts'
import type { KubeClient } from '../cluster/kube-client.ts'
import { SUBRESOURCE_GROUP, SUBRESOURCE_VERSIONS } from '../kubevirt/subresources.ts'
import { EVICTION_WEBHOOK } from '../kubevirt/eviction.ts'
import {
  apiServiceName,
  registerApiService,
  serviceServerName,
  waitAvailable,
} from '../aggregated-api/api-service.ts'
import { WEBHOOK_PATHS } from './admission-webhooks.ts'

const VIRT_API = { namespace: 'kubevirt', name: 'virt-api' }
/** The name the aggregator expects in virt-api's certificate. */
export const VIRT_API_SERVER_NAME = serviceServerName(VIRT_API)

const webhookDef = (plural: string) => ({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural,
  namespaced: false,
})
const defs = {
  validating: webhookDef('validatingwebhookconfigurations'),
  mutating: webhookDef('mutatingwebhookconfigurations'),
}

/** `v1.ApiSupportedWebhookVersions`. */
const kubevirtVersions = ['v1alpha3', 'v1']
const managedBy = { 'app.kubernetes.io/managed-by': 'virt-operator' }

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
  await registerApiService(client, {
    service: { ...VIRT_API, labels: { 'kubevirt.io': 'virt-api', ...managedBy } },
    group: SUBRESOURCE_GROUP,
    versions: SUBRESOURCE_VERSIONS,
    apiServiceLabels: { 'kubevirt.io': 'virt-api-aggregator', ...managedBy },
    port,
    ca: registration.ca,
  })
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

/** Resolves once kube-apiserver uses virt-api for every subresource version. */
export const waitVirtApiAvailable = (client: KubeClient, timeoutMs?: number) =>
  waitAvailable(
    client,
    SUBRESOURCE_VERSIONS.map((version) => apiServiceName(SUBRESOURCE_GROUP, version)),
    timeoutMs,
  )
