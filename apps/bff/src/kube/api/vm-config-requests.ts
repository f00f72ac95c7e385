import type { KubeClient } from '../kube-client.ts'
import { HttpError } from '../http-error.ts'

/** The API server refused a write for its resourceVersion (the BFF's own check says VM_CHANGED too). */
export class VmVersionConflict extends HttpError {
  readonly fromServer = true
}
import { paths } from './paths.ts'

/**
 * Replaces a VM with an edited copy, as the user. The copy carries the resourceVersion it was
 * edited from, so the API server refuses it (409) when someone changed the VM in between. In a
 * dry run the API server and KubeVirt's admission check it and answer what they would store.
 */
export async function replaceVm<T>(
  client: KubeClient,
  vm: { metadata: { namespace: string; name: string } },
  options: { dryRun: boolean },
): Promise<T> {
  try {
    return await client.call<T>({
      method: 'PUT',
      path: paths.vm(vm.metadata.namespace, vm.metadata.name),
      query: options.dryRun ? { dryRun: 'All' } : {},
      body: vm,
    })
  } catch (err) {
    if (err instanceof HttpError && err.statusCode === 409)
      throw new VmVersionConflict(
        409,
        'Someone changed this VM since you opened it; reload it and make your change again.',
        'VM_CHANGED',
      )
    throw err
  }
}

/** The VMs of a namespace as the user may list them (the MAC addresses in use there). */
export async function namespaceVms<T>(client: KubeClient, namespace: string): Promise<T[]> {
  const list = await client.call<{ items?: T[] }>({ method: 'GET', path: paths.vms(namespace) })
  return list.items ?? []
}
