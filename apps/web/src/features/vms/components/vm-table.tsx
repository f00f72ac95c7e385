import { Checkbox, Label, MenuToggle, Skeleton } from '@patternfly/react-core'
import EllipsisVIcon from '@patternfly/react-icons/dist/esm/icons/ellipsis-v-icon'
import {
  ActionsColumn,
  SortByDirection,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  type CustomActionsToggleProps,
  type IAction,
  type ThProps,
} from '@patternfly/react-table'
import { TEMPLATE_LABEL, vmKey, type VmSummary } from '@vmdeck/shared'
import type { DragEvent, ReactNode } from 'react'
import { Link } from 'react-router'
import { vmActions, type VmActionId } from '../model/vm-actions.ts'
import { blockReason, type Can } from './vm-actions-bar.tsx'
import { VmStatusLabel } from './vm-status-label.tsx'

export type ColumnId =
  'namespace' | 'status' | 'node' | 'ip' | 'os' | 'cpus' | 'memory' | 'instancetype' | 'createdAt'

export const vmColumns: {
  id: ColumnId
  label: string
  sort?: 'namespace' | 'status' | 'node' | 'createdAt'
  cell: (vm: VmSummary) => ReactNode
}[] = [
  { id: 'namespace', label: 'Namespace', sort: 'namespace', cell: (vm) => vm.namespace },
  {
    id: 'status',
    label: 'Status',
    sort: 'status',
    cell: (vm) => <VmStatusLabel status={vm.status} />,
  },
  { id: 'node', label: 'Node', sort: 'node', cell: (vm) => vm.node ?? '—' },
  { id: 'ip', label: 'IP address', cell: (vm) => vm.ips[0] ?? '—' },
  { id: 'os', label: 'OS', cell: (vm) => vm.os ?? '—' },
  { id: 'cpus', label: 'vCPU', cell: (vm) => vm.cpus ?? '—' },
  { id: 'memory', label: 'Memory', cell: (vm) => vm.memory ?? '—' },
  { id: 'instancetype', label: 'Instance type', cell: (vm) => vm.instancetype ?? '—' },
  {
    id: 'createdAt',
    label: 'Created',
    sort: 'createdAt',
    cell: (vm) => shortDate.format(new Date(vm.createdAt)),
  },
]

const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' })

export const defaultColumns: ColumnId[] = ['namespace', 'status', 'node', 'ip', 'os', 'createdAt']

/** The VM table: what the server sent for this page, with selection and a menu per row. */
export function VmTable({
  items,
  loading,
  columns,
  sort,
  onSort,
  selected,
  onSelect,
  can,
  onAction,
  onDragRow,
  empty,
}: {
  items: VmSummary[] | undefined
  loading: boolean
  columns: ColumnId[]
  sort: string
  onSort: (sort: string) => void
  selected: ReadonlySet<string>
  onSelect: (vms: VmSummary[], selected: boolean) => void
  can: Can
  onAction: (id: VmActionId, vm: VmSummary) => void
  /** Rows drag (onto the folder tree) when given: it fills in what is dragged. */
  onDragRow?: (vm: VmSummary, event: DragEvent<HTMLTableRowElement>) => void
  empty: ReactNode
}) {
  const shown = vmColumns.filter((column) => columns.includes(column.id))
  const sortKey = sort.replace(/^-/, '')
  const direction = sort.startsWith('-') ? SortByDirection.desc : SortByDirection.asc
  const sortable = ['name', ...shown.map((column) => column.sort)]
  const sortBy = (key: string): ThProps['sort'] => ({
    sortBy: { index: sortable.indexOf(sortKey), direction },
    onSort: (_event, _index, next) => onSort(next === SortByDirection.desc ? `-${key}` : key),
    columnIndex: sortable.indexOf(key),
  })
  const allSelected = Boolean(items?.length) && items!.every((vm) => selected.has(vmKey(vm)))
  const rowActions = (vm: VmSummary): IAction[] =>
    vmActions.map((def) => {
      const reason = blockReason(def, vm, can)
      return {
        title: def.label,
        isDanger: def.danger ?? false,
        isAriaDisabled: Boolean(reason),
        ...(reason ? { tooltipProps: { content: reason } } : {}),
        onClick: () => onAction(def.id, vm),
      }
    })
  return (
    <Table aria-label="Virtual machines" variant="compact" className="vmdeck-table" isStickyHeader>
      <Thead>
        <Tr>
          <Th className="pf-v6-c-table__check" aria-label="Selection">
            <Checkbox
              id="vm-select-page"
              aria-label="Select all on this page"
              isChecked={allSelected}
              onChange={(_event, checked) => onSelect(items ?? [], checked)}
            />
          </Th>
          <Th sort={sortBy('name')}>Name</Th>
          {shown.map((column) => (
            <Th key={column.id} {...(column.sort ? { sort: sortBy(column.sort) } : {})}>
              {column.label}
            </Th>
          ))}
          <Th screenReaderText="Actions" />
        </Tr>
      </Thead>
      <Tbody>
        {loading &&
          !items &&
          Array.from({ length: 8 }, (_, i) => (
            <Tr key={i}>
              <Td colSpan={shown.length + 3}>
                <Skeleton screenreaderText="Loading virtual machines" />
              </Td>
            </Tr>
          ))}
        {items?.map((vm) => {
          const key = vmKey(vm)
          return (
            <Tr
              key={key}
              data-vm={key}
              isRowSelected={selected.has(key)}
              {...(onDragRow
                ? {
                    draggable: true,
                    onDragStart: (event: DragEvent<HTMLTableRowElement>) => onDragRow(vm, event),
                  }
                : {})}
            >
              <Td className="pf-v6-c-table__check">
                <Checkbox
                  id={`vm-select-${key}`}
                  aria-label={`Select ${vm.name}`}
                  isChecked={selected.has(key)}
                  onChange={(_event, checked) => onSelect([vm], checked)}
                />
              </Td>
              <Td dataLabel="Name" modifier="nowrap">
                <Link to={`/vms/${vm.namespace}/${vm.name}`}>{vm.name}</Link>
                {vm.labels[TEMPLATE_LABEL] === 'true' && (
                  <Label isCompact color="purple" style={{ marginLeft: 6 }}>
                    Template
                  </Label>
                )}
              </Td>
              {shown.map((column) => (
                <Td
                  key={column.id}
                  dataLabel={column.label}
                  modifier={column.id === 'os' ? 'truncate' : 'nowrap'}
                  // The OS gives way first when the table is tight; its whole name on hover.
                  {...(column.id === 'os' && vm.os ? { title: vm.os } : {})}
                >
                  {column.cell(vm)}
                </Td>
              ))}
              <Td isActionCell>
                <ActionsColumn
                  items={rowActions(vm)}
                  popperProps={{ position: 'right', appendTo: () => document.body }}
                  actionsToggle={({ onToggle, isOpen, toggleRef }: CustomActionsToggleProps) => (
                    <RowToggle
                      onToggle={onToggle}
                      isOpen={isOpen}
                      toggleRef={toggleRef}
                      name={vm.name}
                    />
                  )}
                />
              </Td>
            </Tr>
          )
        })}
        {items && items.length === 0 && (
          <Tr>
            <Td colSpan={shown.length + 3}>{empty}</Td>
          </Tr>
        )}
      </Tbody>
    </Table>
  )
}

function RowToggle({
  onToggle,
  isOpen,
  toggleRef,
  name,
}: Pick<CustomActionsToggleProps, 'onToggle' | 'isOpen' | 'toggleRef'> & { name: string }) {
  return (
    <MenuToggle
      ref={toggleRef}
      variant="plain"
      onClick={onToggle}
      isExpanded={isOpen}
      aria-label={`Actions for ${name}`}
      icon={<EllipsisVIcon />}
    />
  )
}
