import { Label } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import type { EvictionEffect, MaintenanceVm } from '@vmdeck/shared'
import { formatBytes, formatCores } from '../../../lib/format.ts'

const effects: Record<
  EvictionEffect,
  { text: string; color: 'green' | 'orange' | 'red' | 'grey' }
> = {
  migrates: { text: 'Live-migrates', color: 'green' },
  'shuts-down': { text: 'Shuts down', color: 'orange' },
  blocks: { text: 'Blocks the drain', color: 'red' },
  external: { text: 'Outside controller', color: 'grey' },
}

/** Where each VM on the nodes would go, or why it does not simply move. */
export function WhatIfTable({ vms }: { vms: MaintenanceVm[] }) {
  return (
    <Table aria-label="What happens to each VM" variant="compact">
      <Thead>
        <Tr>
          <Th>VM</Th>
          <Th>Requests</Th>
          <Th>Outcome</Th>
          <Th>Target or reason</Th>
        </Tr>
      </Thead>
      <Tbody>
        {vms.map((vm) => (
          <Tr key={`${vm.namespace}/${vm.name}`} data-vm={vm.name}>
            <Td dataLabel="VM">
              {vm.name} <span className="vmdeck-muted">{vm.namespace}</span>
            </Td>
            <Td dataLabel="Requests">
              {formatCores(vm.requests.cpu)} CPU, {formatBytes(vm.requests.memory)}
            </Td>
            <Td dataLabel="Outcome">
              <Label isCompact color={effects[vm.effect].color}>
                {effects[vm.effect].text}
              </Label>
            </Td>
            <Td dataLabel="Target or reason">
              {vm.target ? (
                <>→ {vm.target}</>
              ) : (
                <>
                  <strong>{vm.reason}</strong>
                  {vm.message ? `: ${vm.message}` : ''}
                </>
              )}
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  )
}
