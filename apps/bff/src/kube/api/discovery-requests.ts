import type { KubeClient, KubeResponse } from '../kube-client.ts'
import { paths } from './paths.ts'

/** `GET /version` and `GET /apis` (the served API groups), raw. */
export function discover(client: KubeClient): Promise<[KubeResponse, KubeResponse]> {
  return Promise.all([
    client.raw({ method: 'GET', path: paths.version }),
    client.raw({ method: 'GET', path: paths.apiGroups }),
  ])
}

/** virt-api's version (open to every authenticated user), raw. */
export function kubevirtVersion(client: KubeClient): Promise<KubeResponse> {
  return client.raw({ method: 'GET', path: paths.kubevirtVersion })
}

/** The KubeVirt CRs (their status names the deployed version), raw. */
export function listKubeVirts(client: KubeClient): Promise<KubeResponse> {
  return client.raw({ method: 'GET', path: paths.kubevirts })
}

/** A list of any collection path (what an informer lists before it watches). */
export function list<T>(client: KubeClient, path: string, labelSelector?: string): Promise<T> {
  return client.call<T>({ method: 'GET', path, query: { labelSelector } })
}
