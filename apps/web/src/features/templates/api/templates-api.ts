import { useMutation, useQueryClient } from '@tanstack/react-query'
import type {
  BulkAccepted,
  InstantiateRequest,
  OperationAccepted,
  SaveTemplateRequest,
} from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'
import { clusterPath } from '../../../lib/cluster-queries.ts'
import { templateQueries } from '../../../lib/template-queries.ts'

export { templateQueries }

/** "Save as template": a stopped, labelled copy of the VM. */
export function useSaveTemplate(cluster: string, vm: { namespace: string; name: string }) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (request: SaveTemplateRequest) =>
      api.post<OperationAccepted>(
        `${clusterPath(cluster)}/namespaces/${vm.namespace}/vms/${vm.name}/template`,
        request,
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: templateQueries.all(cluster) }),
    meta: {
      success: () => `Saving ${vm.name} as a template`,
      error: () => `Could not save ${vm.name} as a template`,
    },
  })
}

/** New VMs from a template, as one bulk task. */
export function useInstantiate(cluster: string) {
  return useMutation({
    mutationFn: ({
      namespace,
      name,
      request,
    }: {
      namespace: string
      name: string
      request: InstantiateRequest
    }) =>
      api.post<BulkAccepted>(
        `${clusterPath(cluster)}/templates/${namespace}/${name}/instantiate`,
        request,
      ),
    meta: { error: () => 'Could not create the VMs' },
  })
}
