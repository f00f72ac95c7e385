import { Button, ToolbarGroup, ToolbarItem } from '@patternfly/react-core'
import type { VmSummary } from '@vmdeck/shared'
import { vmActionById, type VmActionId } from '../model/vm-actions.ts'
import type { Can } from './vm-actions-bar.tsx'

const bulkActions: VmActionId[] = ['start', 'stop', 'restart', 'migrate', 'delete']

/** The toolbar's actions on the selected VMs: each enabled for the VMs it applies to. */
export function VmBulkActions({
  selected,
  can,
  onRun,
  onMove,
  onClear,
}: {
  selected: VmSummary[]
  can: Can
  onRun: (id: VmActionId, vms: VmSummary[]) => void
  onMove: () => void
  onClear: () => void
}) {
  return (
    <ToolbarGroup variant="action-group" aria-label="Bulk actions">
      <ToolbarItem alignSelf="center">
        <span className="vmdeck-muted" aria-live="polite">
          {selected.length} selected
        </span>
      </ToolbarItem>
      {bulkActions.map((id) => {
        const def = vmActionById[id]
        const targets = selected.filter(
          (vm) => !def.blockedBy(vm) && can(def.permission, vm.namespace).allowed,
        )
        return (
          <ToolbarItem key={id}>
            <Button
              variant={def.danger ? 'danger' : 'secondary'}
              size="sm"
              isDisabled={targets.length === 0}
              onClick={() => onRun(id, targets)}
            >
              {def.label}
            </Button>
          </ToolbarItem>
        )
      })}
      <ToolbarItem>
        <Button variant="secondary" size="sm" isDisabled={selected.length === 0} onClick={onMove}>
          Move to folder
        </Button>
      </ToolbarItem>
      {selected.length > 0 && (
        <ToolbarItem>
          <Button variant="link" size="sm" onClick={onClear}>
            Clear selection
          </Button>
        </ToolbarItem>
      )}
    </ToolbarGroup>
  )
}
