import { Dropdown, DropdownItem, DropdownList, Flex, MenuToggle } from '@patternfly/react-core'
import EllipsisVIcon from '@patternfly/react-icons/dist/esm/icons/ellipsis-v-icon'
import type { VmSummary, VmUiAction } from '@vmdeck/shared'
import { useState } from 'react'
import type { Decision } from '../../../lib/permissions.ts'
import { vmActions, type VmActionDef, type VmActionId } from '../model/vm-actions.ts'
import { ExplainedButton } from '../../../components/ui/explained-button.tsx'

export type Can = (action: VmUiAction, namespace: string) => Decision

/** Why an action is not available on a VM (state or permission), or undefined. */
export const blockReason = (def: VmActionDef, vm: VmSummary, can: Can) => {
  const decision = can(def.permission, vm.namespace)
  if (!decision.allowed) return `You may not ${def.label.toLowerCase()}: ${decision.reason}`
  return def.blockedBy(vm)
}

const primary: VmActionId[] = ['start', 'stop', 'restart', 'pause', 'unpause', 'migrate', 'console']

/**
 * The detail header's actions: the common verbs as buttons, the rest in a menu. Actions the user
 * may not take are hidden when RBAC forbids them, disabled with the reason when the VM's state does.
 */
export function VmActionsBar({
  vm,
  can,
  run,
}: {
  vm: VmSummary
  can: Can
  run: (id: VmActionId) => void
}) {
  const [open, setOpen] = useState(false)
  const permitted = vmActions.filter((def) => can(def.permission, vm.namespace).allowed)
  const buttons = permitted.filter((def) => primary.includes(def.id))
  const more = permitted.filter((def) => !primary.includes(def.id))
  return (
    <Flex gap={{ default: 'gapSm' }} flexWrap={{ default: 'wrap' }}>
      {buttons.map((def) => {
        const reason = def.blockedBy(vm)
        return (
          <ExplainedButton
            key={def.id}
            blocked={Boolean(reason)}
            reason={reason}
            variant={def.id === 'start' || def.id === 'console' ? 'primary' : 'secondary'}
            size="sm"
            onClick={() => run(def.id)}
          >
            {def.label}
          </ExplainedButton>
        )
      })}
      {more.length > 0 && (
        <Dropdown
          isOpen={open}
          onOpenChange={setOpen}
          popperProps={{ position: 'right' }}
          toggle={(toggleRef) => (
            <MenuToggle
              ref={toggleRef}
              variant="plain"
              aria-label="More actions"
              isExpanded={open}
              onClick={() => setOpen((was) => !was)}
              icon={<EllipsisVIcon />}
            />
          )}
        >
          <DropdownList>
            {more.map((def) => {
              const reason = def.blockedBy(vm)
              return (
                <DropdownItem
                  key={def.id}
                  isDanger={def.danger ?? false}
                  isAriaDisabled={Boolean(reason)}
                  {...(reason ? { tooltipProps: { content: reason } } : {})}
                  onClick={() => {
                    setOpen(false)
                    run(def.id)
                  }}
                >
                  {def.label}
                </DropdownItem>
              )
            })}
          </DropdownList>
        </Dropdown>
      )}
    </Flex>
  )
}
