import { Dropdown, DropdownItem, DropdownList, MenuToggle } from '@patternfly/react-core'
import DownloadIcon from '@patternfly/react-icons/dist/esm/icons/download-icon'
import { useState } from 'react'

/** Downloads of the filtered list: the links are plain GETs the session cookie authorises. */
export function VmExportMenu({ href }: { href: (format: 'csv' | 'json') => string }) {
  const [open, setOpen] = useState(false)
  return (
    <Dropdown
      isOpen={open}
      onOpenChange={setOpen}
      toggle={(ref) => (
        <MenuToggle
          ref={ref}
          variant="plain"
          icon={<DownloadIcon />}
          aria-label="Export"
          isExpanded={open}
          onClick={() => setOpen((was) => !was)}
        />
      )}
      popperProps={{ position: 'right' }}
    >
      <DropdownList aria-label="Export the filtered list">
        {(['csv', 'json'] as const).map((format) => (
          <DropdownItem
            key={format}
            to={href(format)}
            download=""
            description="Every matching VM, the columns on screen"
            onClick={() => setOpen(false)}
          >
            Export as {format.toUpperCase()}
          </DropdownItem>
        ))}
      </DropdownList>
    </Dropdown>
  )
}
