import { vmPowerActions, type VmSummary } from '@vmdeck/shared'
import { useState } from 'react'
import { useNavigate } from 'react-router'
import {
  useBulkAction,
  useClone,
  useDeleteVm,
  useMigrate,
  usePowerAction,
  useTakeSnapshot,
} from '../api/vm-mutations.ts'
import { vmActionById, type VmActionId } from '../model/vm-actions.ts'
import { CloneVmDialog } from './dialogs/clone-vm-dialog.tsx'
import { DeleteVmDialog } from './dialogs/delete-vm-dialog.tsx'
import { MigrateVmDialog } from './dialogs/migrate-vm-dialog.tsx'
import { SnapshotDialog } from './dialogs/snapshot-dialog.tsx'

const ref = (vm: VmSummary) => ({ namespace: vm.namespace, name: vm.name })

/**
 * Runs a VM action on one or many VMs: power operations at once, the rest through their dialog.
 * Render `dialog` somewhere on the page.
 */
export function useVmActionRunner(cluster: string, options: { onDeleted?: () => void } = {}) {
  const navigate = useNavigate()
  const power = usePowerAction(cluster)
  const migrate = useMigrate(cluster)
  const snapshot = useTakeSnapshot(cluster)
  const clone = useClone(cluster)
  const remove = useDeleteVm(cluster)
  const bulk = useBulkAction(cluster)
  const [open, setOpen] = useState<{ id: VmActionId; vms: VmSummary[] }>()
  const close = () => setOpen(undefined)

  const run = (id: VmActionId, vms: VmSummary[]) => {
    const def = vmActionById[id]
    // Bulk actions apply to the selected VMs whose state allows them.
    const targets = vms.filter((vm) => !def.blockedBy(vm))
    if (targets.length === 0) return
    if (def.immediate) {
      const action = vmPowerActions.find((power) => power === id)
      // Several VMs: one bulk request, recorded as one task with a result per VM.
      if (action && targets.length > 1) bulk.mutate({ vms: targets.map(ref), action })
      else if (action) for (const vm of targets) power.mutate({ vm: ref(vm), action })
      return
    }
    const first = targets[0]
    if (id === 'console' && first) {
      void navigate(`/vms/${first.namespace}/${first.name}/console`)
      return
    }
    setOpen({ id, vms: targets })
  }

  const first = open?.vms[0]
  let dialog = null
  if (open && first) {
    switch (open.id) {
      case 'delete':
        dialog = (
          <DeleteVmDialog
            vms={open.vms.map(ref)}
            onClose={close}
            onConfirm={({ deleteDisks }) => {
              // The bulk delete takes the VMs' own disks with them, as a single delete does.
              if (deleteDisks && open.vms.length > 1)
                bulk.mutate({ vms: open.vms.map(ref), action: 'delete' })
              else for (const vm of open.vms) remove.mutate({ vm: ref(vm), deleteDisks })
              close()
              options.onDeleted?.()
            }}
          />
        )
        break
      case 'migrate':
        dialog = (
          <MigrateVmDialog
            cluster={cluster}
            vms={open.vms}
            onClose={close}
            onConfirm={(targetNode) => {
              if (!targetNode && open.vms.length > 1)
                bulk.mutate({ vms: open.vms.map(ref), action: 'migrate' })
              else
                for (const vm of open.vms)
                  migrate.mutate({ vm: ref(vm), request: targetNode ? { targetNode } : {} })
              close()
            }}
          />
        )
        break
      case 'snapshot':
        dialog = (
          <SnapshotDialog
            vm={ref(first)}
            onClose={close}
            onConfirm={(name) => {
              snapshot.mutate({ vm: ref(first), name })
              close()
            }}
          />
        )
        break
      case 'clone':
        dialog = (
          <CloneVmDialog
            cluster={cluster}
            vm={ref(first)}
            onClose={close}
            onConfirm={(request) => {
              clone.mutate({ vm: ref(first), request })
              close()
            }}
          />
        )
        break
    }
  }
  return { run, dialog }
}
