import { Dropdown, DropdownItem, DropdownList, MenuToggle } from '@patternfly/react-core'
import ColumnsIcon from '@patternfly/react-icons/dist/esm/icons/columns-icon'
import { useState } from 'react'
import { vmColumns, type ColumnId } from './vm-table.tsx'

export function ColumnChooser({
  columns,
  onChange,
}: {
  columns: ColumnId[]
  onChange: (columns: ColumnId[]) => void
}) {
  const [open, setOpen] = useState(false)
  return (
    <Dropdown
      isOpen={open}
      onOpenChange={setOpen}
      toggle={(ref) => (
        <MenuToggle
          ref={ref}
          variant="plain"
          icon={<ColumnsIcon />}
          aria-label="Choose columns"
          isExpanded={open}
          onClick={() => setOpen((was) => !was)}
        />
      )}
      popperProps={{ position: 'right' }}
    >
      <DropdownList aria-label="Columns">
        {vmColumns.map((column) => (
          <DropdownItem
            key={column.id}
            hasCheckbox
            isSelected={columns.includes(column.id)}
            onClick={() =>
              onChange(
                columns.includes(column.id)
                  ? columns.filter((id) => id !== column.id)
                  : vmColumns
                      .map((c) => c.id)
                      .filter((id) => id === column.id || columns.includes(id)),
              )
            }
          >
            {column.label}
          </DropdownItem>
        ))}
      </DropdownList>
    </Dropdown>
  )
}
