import {
  Dropdown,
  DropdownItem,
  DropdownList,
  List,
  ListItem,
  MenuToggle,
  Spinner,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { BulkAction, BulkRequest } from '@vmdeck/shared'
import { useState } from 'react'
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { bulkPreview, useBulkMatching } from '../api/vm-mutations.ts'
import { vmActionById } from '../model/vm-actions.ts'

const actions: BulkAction[] = ['start', 'stop', 'restart', 'migrate', 'delete']

/**
 * "All N matching": one action on every VM the list's filter matches, not only the page. The
 * dialog asks the BFF what it would do (a dry run: how many, where, the first names) and names
 * that scope in the confirmation; the action then runs as one bulk task, a few VMs at a time.
 */
export function BulkMatchingMenu({
  cluster,
  total,
  matching,
}: {
  cluster: string
  total: number
  matching: BulkRequest['matching']
}) {
  const [open, setOpen] = useState(false)
  const [action, setAction] = useState<BulkAction>()
  return (
    <>
      <Dropdown
        isOpen={open}
        onOpenChange={setOpen}
        toggle={(ref) => (
          <MenuToggle
            ref={ref}
            size="sm"
            isDisabled={total === 0}
            isExpanded={open}
            onClick={() => setOpen((was) => !was)}
          >
            All {total.toLocaleString()} matching
          </MenuToggle>
        )}
      >
        <DropdownList aria-label="Actions on every matching VM">
          {actions.map((id) => (
            <DropdownItem
              key={id}
              onClick={() => {
                setOpen(false)
                setAction(id)
              }}
            >
              {vmActionById[id].label}…
            </DropdownItem>
          ))}
        </DropdownList>
      </Dropdown>
      {action && (
        <BulkMatchingDialog
          cluster={cluster}
          action={action}
          matching={matching}
          onClose={() => setAction(undefined)}
        />
      )}
    </>
  )
}

function BulkMatchingDialog({
  cluster,
  action,
  matching,
  onClose,
}: {
  cluster: string
  action: BulkAction
  matching: BulkRequest['matching']
  onClose: () => void
}) {
  const preview = useQuery({
    queryKey: ['vms', cluster, 'bulk-preview', action, matching],
    queryFn: () => bulkPreview(cluster, action, matching),
    gcTime: 0,
  })
  const run = useBulkMatching(cluster)
  const label = vmActionById[action].label
  const count = preview.data?.count ?? 0
  return (
    <ConfirmDialog
      title={`${label} every matching VM`}
      verb={preview.data ? `${label} ${count.toLocaleString()} VMs` : label}
      danger={action === 'delete' || action === 'stop'}
      onClose={onClose}
      onConfirm={() => {
        if (!preview.data) return
        run.mutate({ action, matching })
        onClose()
      }}
    >
      {preview.isPending && <Spinner size="md" aria-label="Counting the matching VMs" />}
      {preview.error && <ErrorAlert error={preview.error} title="The filter cannot be used" />}
      {preview.data && (
        <>
          <p>{preview.data.message}</p>
          <p className="vmdeck-muted">
            They run as one task, a few VMs at a time; the Tasks page shows the result per VM and
            can retry the failed ones.{count > preview.data.sample.length ? ' The first:' : ''}
          </p>
          <List isPlain aria-label="VMs it applies to">
            {preview.data.sample.map((vm) => (
              <ListItem key={`${vm.namespace}/${vm.name}`}>
                {vm.namespace}/{vm.name}
              </ListItem>
            ))}
          </List>
        </>
      )}
    </ConfirmDialog>
  )
}
