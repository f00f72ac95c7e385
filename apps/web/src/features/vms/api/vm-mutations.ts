import { useMutation, useQueryClient } from '@tanstack/react-query'
import type {
  BulkAccepted,
  BulkAction,
  BulkRequest,
  CloneRequest,
  CloudInitReveal,
  MigrateRequest,
  OperationAccepted,
  VmPowerAction,
} from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'
import { clusterPath } from '../../../lib/cluster-queries.ts'
import { progressive } from '../model/vm-actions.ts'
import { vmPath, vmQueries, type VmRef } from '../../../lib/vm-queries.ts'

/*
 * Every mutation takes the VM in its variables, so one hook serves a row, a detail page and a
 * bulk action (call `mutate` once per VM; each call toasts on its own through the MutationCache).
 * The stream brings list changes; details are refetched when an operation settles.
 */
function useSettle(cluster: string) {
  const queryClient = useQueryClient()
  return (vm: VmRef) =>
    void queryClient.invalidateQueries({ queryKey: vmQueries.detail(cluster, vm).queryKey })
}

export function usePowerAction(cluster: string) {
  const settle = useSettle(cluster)
  return useMutation({
    mutationFn: ({ vm, action }: { vm: VmRef; action: VmPowerAction }) =>
      api.post<OperationAccepted>(`${vmPath(cluster, vm)}/${action}`, {}),
    onSettled: (_data, _error, { vm }) => settle(vm),
    meta: {
      success: ({ vm, action }: { vm: VmRef; action: VmPowerAction }) =>
        `${progressive[action] ?? action} ${vm.name}`,
      error: ({ vm, action }: { vm: VmRef; action: VmPowerAction }) =>
        `Could not ${action.replace('-', ' ')} ${vm.name}`,
    },
  })
}

export function useMigrate(cluster: string) {
  const settle = useSettle(cluster)
  return useMutation({
    mutationFn: ({ vm, request }: { vm: VmRef; request: MigrateRequest }) =>
      api.post<OperationAccepted>(`${vmPath(cluster, vm)}/migrate`, request),
    onSettled: (_data, _error, { vm }) => settle(vm),
    meta: {
      success: ({ vm }: { vm: VmRef }) => `Migrating ${vm.name}`,
      error: ({ vm }: { vm: VmRef }) => `Could not migrate ${vm.name}`,
    },
  })
}

export function useCancelMigration(cluster: string) {
  const settle = useSettle(cluster)
  return useMutation({
    mutationFn: ({ vm, migration }: { vm: VmRef; migration: string }) =>
      api.delete<unknown>(`${vmPath(cluster, vm)}/migrations/${encodeURIComponent(migration)}`),
    onSettled: (_data, _error, { vm }) => settle(vm),
    meta: {
      success: ({ vm }: { vm: VmRef }) => `Cancelling the migration of ${vm.name}`,
      error: ({ vm }: { vm: VmRef }) => `Could not cancel the migration of ${vm.name}`,
    },
  })
}

export function useTakeSnapshot(cluster: string) {
  const settle = useSettle(cluster)
  return useMutation({
    mutationFn: ({ vm, name }: { vm: VmRef; name?: string }) =>
      api.post<OperationAccepted>(`${vmPath(cluster, vm)}/snapshots`, name ? { name } : {}),
    onSettled: (_data, _error, { vm }) => settle(vm),
    meta: {
      success: ({ vm }: { vm: VmRef }) => `Taking a snapshot of ${vm.name}`,
      error: ({ vm }: { vm: VmRef }) => `Could not take a snapshot of ${vm.name}`,
    },
  })
}

export function useRestoreSnapshot(cluster: string) {
  const settle = useSettle(cluster)
  return useMutation({
    mutationFn: ({ vm, snapshot }: { vm: VmRef; snapshot: string }) =>
      api.post<OperationAccepted>(
        `${vmPath(cluster, vm)}/snapshots/${encodeURIComponent(snapshot)}/restore`,
        {},
      ),
    onSettled: (_data, _error, { vm }) => settle(vm),
    meta: {
      success: ({ vm, snapshot }: { vm: VmRef; snapshot: string }) =>
        `Restoring ${vm.name} from ${snapshot}`,
      error: ({ vm }: { vm: VmRef }) => `Could not restore ${vm.name}`,
    },
  })
}

export function useDeleteSnapshot(cluster: string) {
  const settle = useSettle(cluster)
  return useMutation({
    mutationFn: ({ vm, snapshot }: { vm: VmRef; snapshot: string }) =>
      api.delete<unknown>(`${vmPath(cluster, vm)}/snapshots/${encodeURIComponent(snapshot)}`),
    onSettled: (_data, _error, { vm }) => settle(vm),
    meta: {
      success: ({ snapshot }: { snapshot: string }) => `Deleting snapshot ${snapshot}`,
      error: ({ snapshot }: { snapshot: string }) => `Could not delete snapshot ${snapshot}`,
    },
  })
}

export function useClone(cluster: string) {
  return useMutation({
    mutationFn: ({ vm, request }: { vm: VmRef; request: CloneRequest }) =>
      api.post<OperationAccepted>(`${vmPath(cluster, vm)}/clone`, request),
    meta: {
      success: ({ vm, request }: { vm: VmRef; request: CloneRequest }) =>
        `Cloning ${vm.name} to ${request.name}`,
      error: ({ vm }: { vm: VmRef }) => `Could not clone ${vm.name}`,
    },
  })
}

export function useDeleteVm(cluster: string) {
  return useMutation({
    mutationFn: ({ vm, deleteDisks }: { vm: VmRef; deleteDisks: boolean }) =>
      api.delete<unknown>(`${vmPath(cluster, vm)}?deleteDisks=${deleteDisks}`),
    meta: {
      success: ({ vm }: { vm: VmRef }) => `Deleting ${vm.name}`,
      error: ({ vm }: { vm: VmRef }) => `Could not delete ${vm.name}`,
    },
  })
}

/** Shows the masked cloud-init data; the BFF records who asked (it often holds passwords). */
export function useRevealCloudInit(cluster: string, vm: VmRef) {
  return useMutation({
    mutationFn: () => api.post<CloudInitReveal>(`${vmPath(cluster, vm)}/cloud-init/reveal`, {}),
  })
}

/**
 * One action on many VMs as one request: the BFF runs it as a parent task with a child per VM,
 * a few requests at a time, and the Tasks page shows the result per VM.
 */
export function useBulkAction(cluster: string) {
  return useMutation({
    mutationFn: ({ vms, action }: { vms: VmRef[]; action: BulkAction }) =>
      api.post<BulkAccepted>(`${clusterPath(cluster)}/vms/bulk`, {
        action,
        targets: vms.map(({ namespace, name }) => ({ namespace, name })),
      }),
    meta: {
      success: ({ vms, action }: { vms: VmRef[]; action: BulkAction }) =>
        `${progressive[action] ?? action} ${vms.length} VMs: the result per VM is on the Tasks page`,
      error: ({ vms, action }: { vms: VmRef[]; action: BulkAction }) =>
        `Could not ${action.replace('-', ' ')} ${vms.length} VMs`,
    },
  })
}

/** What a bulk action by filter would do (a dry run: the count and the first VMs). */
export function bulkPreview(
  cluster: string,
  action: BulkAction,
  matching: BulkRequest['matching'],
) {
  return api.post<BulkAccepted>(`${clusterPath(cluster)}/vms/bulk`, {
    action,
    matching,
    dryRun: true,
  })
}

/** One action on every VM the list's filter matches (thousands), as one bulk task. */
export function useBulkMatching(cluster: string) {
  return useMutation({
    mutationFn: ({ action, matching }: { action: BulkAction; matching: BulkRequest['matching'] }) =>
      api.post<BulkAccepted>(`${clusterPath(cluster)}/vms/bulk`, { action, matching }),
    meta: {
      success: ({ action }: { action: BulkAction }) =>
        `${progressive[action] ?? action} every matching VM: the result per VM is on the Tasks page`,
      error: ({ action }: { action: BulkAction }) =>
        `Could not ${action.replace('-', ' ')} the matching VMs`,
    },
  })
}
