import type { KubernetesObject } from '@kubernetes/client-node'
import type { KubeClient } from '../kube-client.ts'
import { kubeError } from '../kube-error.ts'
import type { KubeEvent } from '../types.ts'
import { paths, type SubresourceKind } from './paths.ts'

/** One subresource call of KubeVirt's API, as `virtctl` sends it. */
export interface VmOperation {
  kind: SubresourceKind
  subresource: string
  body: object
}

/** `PUT …/{vm|vmi}/{name}/{start|stop|restart|pause|unpause}`, as the user. */
export async function runVmOperation(
  client: KubeClient,
  namespace: string,
  name: string,
  operation: VmOperation,
): Promise<void> {
  await client.call({
    method: 'PUT',
    path: paths.subresource(namespace, operation.kind, name, operation.subresource),
    body: operation.body,
  })
}

/** Live migration, optionally pinned to one node (KubeVirt adds the node selector). */
export async function migrateVm(
  client: KubeClient,
  namespace: string,
  name: string,
  targetNode: string | undefined,
): Promise<void> {
  await client.call({
    method: 'PUT',
    path: paths.subresource(namespace, 'virtualmachines', name, 'migrate'),
    body: targetNode ? { addedNodeSelector: { 'kubernetes.io/hostname': targetNode } } : {},
  })
}

/** Cancels a live migration: deleting its VirtualMachineInstanceMigration aborts it. */
export async function cancelMigration(
  client: KubeClient,
  namespace: string,
  migration: string,
): Promise<void> {
  await client.call({ method: 'DELETE', path: paths.migration(namespace, migration) })
}

/** Creates a VM; in a dry run the API server answers the object it would have stored. */
export function createVm(
  client: KubeClient,
  namespace: string,
  manifest: object,
  options: { dryRun: boolean },
): Promise<unknown> {
  return client.call({
    method: 'POST',
    path: paths.vms(namespace),
    query: options.dryRun ? { dryRun: 'All' } : {},
    body: manifest,
  })
}

/** The VM as the API server has it, read (and audited) as the user. */
/** A VM and its VMI, each undefined when the API server has none (404). */
export async function getVmAndVmi(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<{ vm?: KubernetesObject; vmi?: KubernetesObject }> {
  const read = async (path: string) => {
    const response = await client.raw({ method: 'GET', path })
    if (response.status === 404) return undefined
    if (response.status >= 400) throw kubeError(response.status, response.text, path)
    return response.body as KubernetesObject
  }
  const [vm, vmi] = await Promise.all([
    read(paths.vm(namespace, name)),
    read(paths.vmi(namespace, name)),
  ])
  return { ...(vm ? { vm } : {}), ...(vmi ? { vmi } : {}) }
}

export function getVm(client: KubeClient, namespace: string, name: string) {
  return client.call<KubernetesObject>({ method: 'GET', path: paths.vm(namespace, name) })
}

/** Deletes the VM it names only (uid precondition); owned objects go in the background. */
export async function deleteVm(
  client: KubeClient,
  namespace: string,
  name: string,
  uid: string | undefined,
): Promise<void> {
  await client.call({
    method: 'DELETE',
    path: paths.vm(namespace, name),
    body: {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Background',
      preconditions: { uid },
    },
  })
}

/**
 * Takes the VM's dataVolumeTemplates out of its spec (the DataVolumes stay, its volumes still name
 * them). KubeVirt's VM controller adopts every DataVolume a template names again while the VM is
 * not being deleted (ClaimMatchedDataVolumes, pkg/virt-controller/watch/vm), so a disk to keep is
 * released from the templates before it is released from the VM as owner.
 */
export async function dropDataVolumeTemplates(
  client: KubeClient,
  namespace: string,
  name: string,
  uid: string | undefined,
): Promise<void> {
  await client.call({
    method: 'PATCH',
    path: paths.vm(namespace, name),
    contentType: 'application/json-patch+json',
    body: [
      { op: 'test', path: '/metadata/uid', value: uid },
      { op: 'remove', path: '/spec/dataVolumeTemplates' },
    ],
  })
}

/** Drops `ownerUid` from a DataVolume's owners, so it outlives its VM; a missing one is skipped. */
export async function releaseDataVolume(
  client: KubeClient,
  namespace: string,
  name: string,
  ownerUid: string | undefined,
): Promise<void> {
  const path = paths.dataVolume(namespace, name)
  const current = await client.raw({ method: 'GET', path })
  if (current.status === 404) return
  const refs =
    (current.body as { metadata?: { ownerReferences?: { uid?: string }[] } }).metadata
      ?.ownerReferences ?? []
  await client.call({
    method: 'PATCH',
    path,
    contentType: 'application/merge-patch+json',
    body: { metadata: { ownerReferences: refs.filter((r) => r.uid !== ownerUid) } },
  })
}

/** The events of one namespace (the caller picks those of a VM). */
export async function namespaceEvents(client: KubeClient, namespace: string): Promise<KubeEvent[]> {
  const list = await client.call<{ items?: KubeEvent[] }>({
    method: 'GET',
    path: paths.events(namespace),
  })
  return list.items ?? []
}
