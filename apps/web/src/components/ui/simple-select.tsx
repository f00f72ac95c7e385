import { MenuToggle, Select, SelectList, SelectOption } from '@patternfly/react-core'
import { useState, type ReactNode } from 'react'

export type SelectChoice = { value: string; label: ReactNode; description?: ReactNode }

/** PatternFly's single Select, reduced to value/onChange. */
export function SimpleSelect({
  label,
  value,
  choices,
  onChange,
  toggleText,
  icon,
  isDisabled,
  width,
}: {
  /** Accessible name of the toggle, e.g. "Namespace". */
  label: string
  value: string
  choices: SelectChoice[]
  onChange: (value: string) => void
  toggleText?: ReactNode
  icon?: ReactNode
  isDisabled?: boolean
  width?: number | string
}) {
  const [open, setOpen] = useState(false)
  const current = choices.find((choice) => choice.value === value)
  return (
    <Select
      isOpen={open}
      selected={value}
      onSelect={(_event, selected) => {
        onChange(String(selected))
        setOpen(false)
      }}
      onOpenChange={setOpen}
      toggle={(ref) => (
        <MenuToggle
          ref={ref}
          onClick={() => setOpen((was) => !was)}
          isExpanded={open}
          isDisabled={isDisabled ?? false}
          // Visible text that names the choice is the accessible name (WCAG 2.5.3).
          {...(toggleText ? {} : { 'aria-label': label })}
          {...(icon ? { icon } : {})}
          style={width ? { width } : undefined}
        >
          {toggleText ?? current?.label ?? value}
        </MenuToggle>
      )}
      shouldFocusToggleOnSelect
      popperProps={{ appendTo: 'inline' }}
    >
      <SelectList style={{ maxHeight: 360, overflowY: 'auto' }}>
        {choices.map((choice) => (
          <SelectOption
            key={choice.value}
            value={choice.value}
            {...(choice.description ? { description: choice.description } : {})}
          >
            {choice.label}
          </SelectOption>
        ))}
      </SelectList>
    </Select>
  )
}
