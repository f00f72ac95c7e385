import {
  Button,
  ClipboardCopy,
  Divider,
  Dropdown,
  DropdownGroup,
  DropdownItem,
  DropdownList,
  Form,
  FormGroup,
  MenuToggle,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core'
import TimesIcon from '@patternfly/react-icons/dist/esm/icons/times-icon'
import { useState } from 'react'
import { copyText } from '../../../lib/clipboard.ts'
import {
  builtInViews,
  currentView,
  isShowing,
  loadViews,
  storeViews,
  viewChanges,
  viewLink,
  type SavedView,
} from '../model/saved-views.ts'

/**
 * The list's views: built-in ones, the user's own (kept in this browser, per user name), saving
 * the view on screen, and a link that shows it to anyone.
 */
export function VmViewsMenu({
  user,
  params,
  columns,
  onApply,
}: {
  user: string
  params: URLSearchParams
  columns: string[]
  onApply: (changes: Record<string, string | undefined>) => void
}) {
  const [open, setOpen] = useState(false)
  const [views, setViews] = useState(() => loadViews(user))
  const [naming, setNaming] = useState<string | undefined>()
  const [link, setLink] = useState<{ url: string; copied: boolean } | undefined>()
  const store = (next: SavedView[]) => {
    storeViews(user, next)
    setViews(next)
  }
  const showing = [...builtInViews, ...views].find((view) => isShowing(view, params, columns))
  const item = (view: SavedView, own: boolean) => (
    <DropdownItem
      key={`${own ? 'own' : 'built-in'}:${view.name}`}
      isSelected={view === showing}
      onClick={() => {
        onApply(viewChanges(view))
        setOpen(false)
      }}
      {...(own
        ? {
            actions: (
              <Button
                variant="plain"
                size="sm"
                aria-label={`Delete view ${view.name}`}
                icon={<TimesIcon />}
                onClick={() => store(views.filter((v) => v !== view))}
              />
            ),
          }
        : {})}
    >
      {view.name}
    </DropdownItem>
  )
  const save = (name: string) => {
    store([...views.filter((v) => v.name !== name), currentView(name, params, columns)])
    setNaming(undefined)
  }
  const share = async () => {
    const url = viewLink(currentView('', params, columns), window.location)
    setLink({ url, copied: await copyText(url) })
  }

  return (
    <>
      <Dropdown
        isOpen={open}
        onOpenChange={setOpen}
        toggle={(ref) => (
          <MenuToggle ref={ref} isExpanded={open} onClick={() => setOpen((was) => !was)}>
            {showing ? `View: ${showing.name}` : 'Views'}
          </MenuToggle>
        )}
      >
        <DropdownGroup label="Built-in views">
          <DropdownList aria-label="Built-in views">
            {builtInViews.map((view) => item(view, false))}
          </DropdownList>
        </DropdownGroup>
        {views.length > 0 && (
          <DropdownGroup label="My views">
            <DropdownList aria-label="My views">
              {views.map((view) => item(view, true))}
            </DropdownList>
          </DropdownGroup>
        )}
        <Divider />
        <DropdownList>
          <DropdownItem key="save" onClick={() => (setOpen(false), setNaming(''))}>
            Save current view…
          </DropdownItem>
          <DropdownItem key="link" onClick={() => (setOpen(false), void share())}>
            Copy link to this view
          </DropdownItem>
        </DropdownList>
      </Dropdown>
      <Modal
        isOpen={naming !== undefined}
        onClose={() => setNaming(undefined)}
        variant="small"
        aria-labelledby="save-view-title"
      >
        <ModalHeader title="Save view" labelId="save-view-title" />
        <ModalBody>
          <Form
            id="save-view-form"
            onSubmit={(event) => {
              event.preventDefault()
              if (naming?.trim()) save(naming.trim())
            }}
          >
            <FormGroup label="Name" fieldId="save-view-name">
              <TextInput
                id="save-view-name"
                value={naming ?? ''}
                onChange={(_event, value) => setNaming(value)}
                autoFocus
              />
            </FormGroup>
            <span className="vmdeck-muted">
              The filters, columns and sort on screen; kept in this browser for {user}.
            </span>
          </Form>
        </ModalBody>
        <ModalFooter>
          <Button type="submit" form="save-view-form" isDisabled={!naming?.trim()}>
            Save
          </Button>
          <Button variant="link" onClick={() => setNaming(undefined)}>
            Cancel
          </Button>
        </ModalFooter>
      </Modal>
      <Modal
        isOpen={link !== undefined}
        onClose={() => setLink(undefined)}
        variant="small"
        aria-labelledby="view-link-title"
      >
        <ModalHeader
          title={link?.copied ? 'Link copied' : 'Link to this view'}
          labelId="view-link-title"
        />
        <ModalBody>
          <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="View link">
            {link?.url ?? ''}
          </ClipboardCopy>
        </ModalBody>
      </Modal>
    </>
  )
}
