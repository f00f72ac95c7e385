import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { BulkAccepted, BulkAction, OperationAccepted } from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'
import { clusterPath } from '../../../lib/cluster-queries.ts'
import { taskQueries } from './task-queries.ts'

/** Runs a bulk action's failed VMs again (as a new bulk task). */
export function useRetryFailed(cluster: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: BulkAction }) =>
      api.post<BulkAccepted>(`${clusterPath(cluster)}/vms/bulk`, { action, retryOf: id }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: taskQueries.all(cluster) }),
    meta: {
      success: () => 'Retrying the failed VMs',
      error: () => 'Could not retry the failed VMs',
    },
  })
}

/** Stops a running bulk action: VMs not yet started are left alone. */
export function useCancelBulk(cluster: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) =>
      api.post<OperationAccepted>(`${clusterPath(cluster)}/tasks/${id}/cancel`, {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: taskQueries.all(cluster) }),
    meta: {
      success: () => 'Bulk action cancelled',
      error: () => 'Could not cancel the bulk action',
    },
  })
}
