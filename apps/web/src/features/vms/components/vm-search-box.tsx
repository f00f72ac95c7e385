import {
  HelperText,
  HelperTextItem,
  Menu,
  MenuContent,
  MenuItem,
  MenuList,
  SearchInput,
} from '@patternfly/react-core'
import { parseVmSearch, suggestVmSearch, type KnownValues } from '@vmdeck/shared'
import { useRef, useState } from 'react'

/**
 * The VM list's search box: the search language (see docs/ARCHITECTURE.md, "VM list search"),
 * with suggestions for keys and known values while typing, and the bad part of a query
 * underlined with the parser's message. A query with an error is not applied at all.
 */
export function VmSearchBox({
  value,
  onChange,
  known,
}: {
  value: string
  onChange: (value: string) => void
  known: KnownValues
}) {
  const [caret, setCaret] = useState(value.length)
  const [focused, setFocused] = useState(false)
  const [active, setActive] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  const parsed = parseVmSearch(value)
  const suggestions = focused ? suggestVmSearch(value, caret, known) : []
  const apply = (text: string, at: number) => {
    onChange(text)
    setCaret(at)
    setActive(0)
    // Keep typing after a suggestion: the caret goes where the suggestion ends.
    requestAnimationFrame(() => input.current?.setSelectionRange(at, at))
  }
  const track = (target: EventTarget) => {
    if (target instanceof HTMLInputElement) setCaret(target.selectionStart ?? target.value.length)
  }

  return (
    <div style={{ position: 'relative', minWidth: 360 }}>
      <SearchInput
        innerRef={input}
        aria-label="Search virtual machines"
        placeholder="Search: web status:running node:node-2 label:tier=web"
        value={value}
        onChange={(event, next) => {
          onChange(next)
          track(event.target)
          setActive(0)
        }}
        onClear={() => apply('', 0)}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onKeyUp={(event) => track(event.target)}
        onClick={(event) => track(event.target)}
        onKeyDown={(event) => {
          if (suggestions.length === 0) return
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault()
            const step = event.key === 'ArrowDown' ? 1 : -1
            setActive((i) => (i + step + suggestions.length) % suggestions.length)
          } else if (event.key === 'Tab' || event.key === 'Enter') {
            const pick = suggestions[active]
            if (!pick) return
            event.preventDefault()
            apply(pick.text, pick.caret)
          } else if (event.key === 'Escape') setFocused(false)
        }}
        inputProps={
          parsed.ok ? {} : { 'aria-invalid': true, 'aria-describedby': 'vm-search-error' }
        }
      />
      {suggestions.length > 0 && (
        <Menu
          aria-label="Search suggestions"
          isScrollable
          style={{ position: 'absolute', zIndex: 300, width: '100%' }}
        >
          <MenuContent maxMenuHeight="280px">
            <MenuList>
              {suggestions.map((s, i) => (
                <MenuItem
                  key={s.label}
                  isFocused={i === active}
                  // Applied before the input's blur closes the menu.
                  onMouseDown={(event) => {
                    event.preventDefault()
                    apply(s.text, s.caret)
                  }}
                >
                  {s.label}
                </MenuItem>
              ))}
            </MenuList>
          </MenuContent>
        </Menu>
      )}
      {!parsed.ok && (
        <HelperText id="vm-search-error" style={{ marginTop: 4 }}>
          <HelperTextItem variant="error">
            <code>
              {value.slice(0, parsed.error.from)}
              <span
                data-testid="vm-search-bad-part"
                style={{
                  textDecoration:
                    'underline wavy var(--pf-t--global--color--status--danger--default, red)',
                }}
              >
                {value.slice(parsed.error.from, parsed.error.to) || ' '}
              </span>
              {value.slice(parsed.error.to)}
            </code>
            <br />
            {parsed.error.message}. Nothing of this search is applied until it is fixed.
          </HelperTextItem>
        </HelperText>
      )}
    </div>
  )
}
