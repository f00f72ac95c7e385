import {
  Button,
  Dropdown,
  DropdownItem,
  DropdownList,
  MenuToggle,
  Switch,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core'
import { CameraIcon, CompressIcon, ExpandIcon, KeyboardIcon } from '@patternfly/react-icons'
import { useState } from 'react'
import type { ConnectionState } from '../lib/connection-state.ts'
import { keyCombos, type Key } from '../lib/keysyms.ts'
import { ConnectionControls } from './connection-status.tsx'

export interface VncToolbarProps {
  /** The scale switch's id. */
  id: string
  connected: boolean
  canConnect: boolean
  state: ConnectionState
  scale: boolean
  fullscreen: boolean
  onScale: (scale: boolean) => void
  onFullscreen: () => void
  onCtrlAltDel: () => void
  onCombo: (keys: Key[]) => void
  onPaste: () => void
  onScreenshot: () => void
  onConnect: () => void
  onDisconnect: () => void
}

/** What help-desk needs above a VNC screen: special keys, paste, scale, full screen, connection. */
export function VncToolbar({
  id,
  connected,
  canConnect,
  state,
  scale,
  fullscreen,
  onScale,
  onFullscreen,
  onCtrlAltDel,
  onCombo,
  onPaste,
  onScreenshot,
  onConnect,
  onDisconnect,
}: VncToolbarProps) {
  const [keysOpen, setKeysOpen] = useState(false)
  return (
    <Toolbar className="vmdeck-console__toolbar" aria-label="VNC console toolbar">
      <ToolbarContent>
        <ToolbarGroup>
          <ToolbarItem>
            <Button variant="secondary" isDisabled={!connected} onClick={onCtrlAltDel}>
              Send Ctrl+Alt+Del
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <Dropdown
              isOpen={keysOpen}
              onOpenChange={setKeysOpen}
              onSelect={() => setKeysOpen(false)}
              toggle={(ref) => (
                <MenuToggle
                  ref={ref}
                  icon={<KeyboardIcon />}
                  isDisabled={!connected}
                  isExpanded={keysOpen}
                  onClick={() => setKeysOpen((open) => !open)}
                >
                  Send keys
                </MenuToggle>
              )}
            >
              <DropdownList>
                {keyCombos.map((combo) => (
                  <DropdownItem key={combo.label} onClick={() => onCombo(combo.keys)}>
                    {combo.label}
                  </DropdownItem>
                ))}
              </DropdownList>
            </Dropdown>
          </ToolbarItem>
          <ToolbarItem>
            <Button variant="secondary" isDisabled={!connected} onClick={onPaste}>
              Paste as keystrokes
            </Button>
          </ToolbarItem>
        </ToolbarGroup>
        <ToolbarGroup>
          <ToolbarItem>
            <Switch
              id={id}
              label="Scale to fit"
              isChecked={scale}
              onChange={(_event, checked) => onScale(checked)}
            />
          </ToolbarItem>
          <ToolbarItem>
            <Button
              variant="plain"
              aria-label={fullscreen ? 'Exit full screen' : 'Full screen'}
              icon={fullscreen ? <CompressIcon /> : <ExpandIcon />}
              onClick={onFullscreen}
            />
          </ToolbarItem>
          <ToolbarItem>
            <Button
              variant="plain"
              aria-label="Screenshot"
              icon={<CameraIcon />}
              isDisabled={!connected}
              onClick={onScreenshot}
            />
          </ToolbarItem>
        </ToolbarGroup>
        <ConnectionControls
          state={state}
          canConnect={canConnect}
          onConnect={onConnect}
          onDisconnect={onDisconnect}
        />
      </ToolbarContent>
    </Toolbar>
  )
}
