// Registers an aggregated API server with kube-apiserver the way virt-operator and cdi-operator
// do (kubevirt v1.9.0 `pkg/virt-operator/resource/generate/components/apiservices.go`, CDI
// v1.66.0 `pkg/operator/resources/cluster/apiserver.go` `createAPIService`): a Service and one
// APIService per version, both with groupPriorityMinimum 1000 and versionPriority 15.
//
// How the aggregator reaches a server on 127.0.0.1: kube-apiserver runs without
// --enable-aggregator-routing, so it resolves an APIService's Service with
// k8s.io/apiserver `proxy.ResolveCluster`, which for `type: ExternalName` answers
// `https://<externalName>:<APIService port>` without looking at endpoints (a ClusterIP would be
// an unroutable 10.96.x.x here), and the availability controller checks endpoints only for
// ClusterIP services. The TLS server name stays `<service>.<namespace>.svc`
// (kube-aggregator `BuildTransportConfig`), hence that SAN in the server's certificate.
import { apply } from '../cluster/bootstrap.ts'
import type { KubeClient } from '../cluster/kube-client.ts'

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
}

export const apiServiceName = (group: string, version: string) => `${version}.${group}`

/** The TLS server name kube-aggregator expects in the server's certificate. */
export const serviceServerName = (service: { namespace: string; name: string }) =>
  `${service.name}.${service.namespace}.svc`

export interface ApiServiceRegistration {
  service: { namespace: string; name: string; labels: Record<string, string> }
  group: string
  versions: readonly string[]
  apiServiceLabels: Record<string, string>
  /** Where the server listens on 127.0.0.1. */
  port: number
  /** PEM of the CA that signed the server's certificate. */
  ca: string
}

/** The namespace the server is installed in (its operator's), applied if missing. */
export async function ensureNamespace(client: KubeClient, name: string): Promise<void> {
  await apply(client, defs.namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
}

/** Applies (server-side, idempotently) the namespace, the Service and the APIServices. */
export async function registerApiService(
  client: KubeClient,
  registration: ApiServiceRegistration,
): Promise<void> {
  const { service, port } = registration
  await ensureNamespace(client, service.namespace)
  await apply(client, defs.service, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.name, namespace: service.namespace, labels: service.labels },
    spec: {
      type: 'ExternalName',
      externalName: '127.0.0.1',
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    },
  })
  const caBundle = Buffer.from(registration.ca).toString('base64')
  await Promise.all(
    registration.versions.map((version) =>
      apply(client, defs.apiService, {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: {
          name: apiServiceName(registration.group, version),
          labels: registration.apiServiceLabels,
        },
        spec: {
          service: { namespace: service.namespace, name: service.name, port },
          group: registration.group,
          version,
          caBundle,
          groupPriorityMinimum: 1000,
          versionPriority: 15,
        },
      }),
    ),
  )
}

interface ApiServiceObject {
  metadata: { name?: string }
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] }
}

const availability = (apiService: ApiServiceObject | undefined) =>
  apiService?.status?.conditions?.find((c) => c.type === 'Available')

/**
 * Resolves once kube-apiserver's availability controller reports every APIService named
 * Available (it reached the server's discovery); rejects with its last reason after `timeoutMs`.
 */
export async function waitAvailable(
  client: KubeClient,
  apiServices: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  const names = new Set(apiServices)
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
    throw new Error(`the APIServices did not become Available: ${why}`)
  }
}
