import {
  Button,
  MenuToggle,
  Select,
  SelectList,
  SelectOption,
  TextInputGroup,
  TextInputGroupMain,
  TextInputGroupUtilities,
} from '@patternfly/react-core'
import TimesIcon from '@patternfly/react-icons/dist/esm/icons/times-icon'
import { useState } from 'react'
import { nameProblem } from '../../lib/k8s-name.ts'

const ALL = '\u0000all'

/**
 * A namespace typeahead: pick a known namespace or type any name (a user may work in a namespace
 * they cannot list). '' means all namespaces when `allowAll`.
 */
export function NamespacePicker({
  label,
  value,
  onChange,
  known,
  allowAll,
  width = 260,
}: {
  label: string
  value: string
  onChange: (namespace: string) => void
  known: string[]
  allowAll?: boolean
  width?: number
}) {
  const [open, setOpen] = useState(false)
  const [text, setText] = useState<string>()
  const shown = text ?? (value || (allowAll ? 'All namespaces' : ''))
  const filter = text?.trim().toLowerCase() ?? ''
  const matches = [...new Set(known)].sort().filter((name) => name.includes(filter))
  const typed = text?.trim() ?? ''
  const canUseTyped = typed && !nameProblem(typed) && !matches.includes(typed)
  const commit = (next: string) => {
    onChange(next === ALL ? '' : next)
    setText(undefined)
    setOpen(false)
  }
  return (
    <Select
      isOpen={open}
      selected={value || ALL}
      onSelect={(_event, selected) => commit(String(selected))}
      onOpenChange={(isOpen) => {
        setOpen(isOpen)
        if (!isOpen) setText(undefined)
      }}
      popperProps={{ appendTo: 'inline' }}
      toggle={(ref) => (
        <MenuToggle
          ref={ref}
          variant="typeahead"
          isExpanded={open}
          onClick={() => setOpen((was) => !was)}
          isFullWidth
          style={{ width }}
        >
          <TextInputGroup isPlain>
            <TextInputGroupMain
              value={shown}
              onClick={() => setOpen(true)}
              onChange={(_event, next) => {
                setText(next)
                setOpen(true)
              }}
              onFocus={(event: React.FocusEvent<HTMLInputElement>) => event.currentTarget.select()}
              onKeyDown={(event) => {
                if (event.key === 'Enter') {
                  event.preventDefault()
                  if (canUseTyped) commit(typed)
                  else if (matches[0]) commit(matches[0])
                }
              }}
              autoComplete="off"
              aria-label={label}
              role="combobox"
              isExpanded={open}
            />
            {value && allowAll && (
              <TextInputGroupUtilities>
                <Button
                  variant="plain"
                  onClick={() => commit(ALL)}
                  aria-label="Show all namespaces"
                  icon={<TimesIcon />}
                />
              </TextInputGroupUtilities>
            )}
          </TextInputGroup>
        </MenuToggle>
      )}
    >
      <SelectList aria-label={label} style={{ maxHeight: 320, overflowY: 'auto' }}>
        {allowAll && !filter && <SelectOption value={ALL}>All namespaces</SelectOption>}
        {matches.map((name) => (
          <SelectOption key={name} value={name}>
            {name}
          </SelectOption>
        ))}
        {canUseTyped && <SelectOption value={typed}>Use “{typed}”</SelectOption>}
        {!canUseTyped && matches.length === 0 && (
          <SelectOption isDisabled value="">
            {typed ? 'Not a valid namespace name' : 'Type a namespace'}
          </SelectOption>
        )}
      </SelectList>
    </Select>
  )
}
