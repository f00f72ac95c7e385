import {
  Menu,
  MenuContent,
  MenuItem,
  MenuList,
  Modal,
  ModalBody,
  ModalHeader,
  SearchInput,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import { useDeferredValue, useState } from 'react'
import { useNavigate } from 'react-router'
import { vmQueries } from '../../../lib/vm-queries.ts'
import { VmStatusLabel } from './vm-status-label.tsx'

/** Ctrl+K: find any VM by name and jump to it. */
export function VmJump({
  cluster,
  isOpen,
  onClose,
}: {
  cluster: string
  isOpen: boolean
  onClose: () => void
}) {
  const [search, setSearch] = useState('')
  const deferred = useDeferredValue(search.trim())
  const navigate = useNavigate()
  const results = useQuery({
    ...vmQueries.list(cluster, { search: deferred, limit: 10, sort: 'name' }),
    enabled: isOpen && deferred.length > 0,
  })
  const go = (namespace: string, name: string) => {
    onClose()
    setSearch('')
    void navigate(`/vms/${namespace}/${name}`)
  }
  const items = deferred ? (results.data?.items ?? []) : []
  return (
    <Modal
      isOpen={isOpen}
      onClose={onClose}
      variant="small"
      position="top"
      aria-labelledby="vm-jump-title"
    >
      <ModalHeader title="Jump to a virtual machine" labelId="vm-jump-title" />
      <ModalBody>
        <SearchInput
          aria-label="Virtual machine name"
          placeholder="Type a name…"
          value={search}
          onChange={(_event, value) => setSearch(value)}
          onClear={() => setSearch('')}
          onKeyDown={(event) => {
            const first = items[0]
            if (event.key === 'Enter' && first) go(first.namespace, first.name)
          }}
          autoFocus
        />
        {deferred && (
          <Menu isPlain aria-label="Matching virtual machines" style={{ marginTop: 8 }}>
            <MenuContent>
              <MenuList>
                {items.map((vm) => (
                  <MenuItem
                    key={`${vm.namespace}/${vm.name}`}
                    onClick={() => go(vm.namespace, vm.name)}
                    description={vm.namespace}
                  >
                    {vm.name} <VmStatusLabel status={vm.status} />
                  </MenuItem>
                ))}
                {results.isSuccess && items.length === 0 && (
                  <MenuItem isDisabled>No virtual machine matches “{deferred}”</MenuItem>
                )}
              </MenuList>
            </MenuContent>
          </Menu>
        )}
      </ModalBody>
    </Modal>
  )
}
