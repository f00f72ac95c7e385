import type RFB from '@novnc/novnc'
import {
  Button,
  Dropdown,
  DropdownItem,
  DropdownList,
  MenuToggle,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Switch,
  TextArea,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core'
import { CameraIcon, CompressIcon, ExpandIcon, KeyboardIcon } from '@patternfly/react-icons'
import { useCallback, useEffect, useRef, useState } from 'react'
import { consoleUrl, PLAIN_STREAM_PROTOCOL } from '../lib/console-url.ts'
import { keyCombos, keystrokesFor, Keys, type Key } from '../lib/keysyms.ts'
import { useConsoleConnection } from '../lib/use-console-connection.ts'
import { ConnectionLabel, DisconnectedNotice } from './connection-status.tsx'
import '../consoles.css'

type RfbClass = typeof RFB
let rfbModule: Promise<RfbClass> | undefined
const loadRfb = () => (rfbModule ??= import('@novnc/novnc').then((m) => m.default))

export interface VncConsoleProps {
  cluster: string
  namespace: string
  name: string
  /** False while the VM is not running (nothing to connect to). */
  canConnect: boolean
}

/** The VM's VNC console: noVNC over the BFF's relay, with the toolbar help-desk needs. */
export function VncConsole({ cluster, namespace, name, canConnect }: VncConsoleProps) {
  const frameRef = useRef<HTMLDivElement>(null)
  const screenRef = useRef<HTMLDivElement>(null)
  const rfbRef = useRef<RFB | null>(null)
  const [Rfb, setRfb] = useState<RfbClass | null>(null)
  const [scale, setScale] = useState(true)
  const [fullscreen, setFullscreen] = useState(false)
  const [keysOpen, setKeysOpen] = useState(false)
  const [pasteOpen, setPasteOpen] = useState(false)

  useEffect(() => {
    let alive = true
    void loadRfb().then((cls) => alive && setRfb(() => cls))
    return () => {
      alive = false
    }
  }, [])

  const { state, reconnect, disconnect } = useConsoleConnection(
    canConnect && Rfb !== null,
    (handlers, { takeOver }) => {
      const screen = screenRef.current
      if (!screen || !Rfb) return () => undefined
      // Our own socket (noVNC only reports "clean or not"): its close code says why.
      const ws = new WebSocket(
        consoleUrl(cluster, namespace, name, 'vnc', { preserveSession: String(!takeOver) }),
        [PLAIN_STREAM_PROTOCOL],
      )
      ws.binaryType = 'arraybuffer'
      ws.addEventListener('close', (event) => handlers.closed(event.code, event.reason))
      const rfb = new Rfb(screen, ws, { shared: true })
      rfb.scaleViewport = scale
      rfb.background = '#151515'
      rfb.focusOnClick = true
      rfb.addEventListener('connect', () => {
        handlers.opened()
        // noVNC computes the scale when the framebuffer size arrives; if the panel was still
        // being laid out then, the canvas stays 0×0 until the scale is set again.
        rescale(rfb)
        rfb.focus()
      })
      rfbRef.current = rfb
      return () => {
        rfbRef.current = null
        try {
          rfb.disconnect()
        } catch {
          // already gone
        }
        if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close()
      }
    },
  )
  const connected = state.phase === 'connected'

  useEffect(() => {
    if (rfbRef.current) rfbRef.current.scaleViewport = scale
  }, [scale])

  // Rescale whenever the screen's box changes (tab shown, window resized, fullscreen).
  useEffect(() => {
    const screen = screenRef.current
    if (!screen) return
    const observer = new ResizeObserver(() => {
      const rfb = rfbRef.current
      if (rfb) rescale(rfb)
    })
    observer.observe(screen)
    return () => observer.disconnect()
  }, [])

  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement === frameRef.current)
    document.addEventListener('fullscreenchange', onChange)
    return () => document.removeEventListener('fullscreenchange', onChange)
  }, [])

  const sendCombo = useCallback((keys: Key[]) => {
    const rfb = rfbRef.current
    if (!rfb) return
    for (const key of keys) rfb.sendKey(key.keysym, key.code, true)
    for (const key of [...keys].reverse()) rfb.sendKey(key.keysym, key.code, false)
    rfb.focus()
  }, [])

  const screenshot = () => {
    const rfb = rfbRef.current
    if (!rfb) return
    const link = document.createElement('a')
    link.href = rfb.toDataURL('image/png')
    link.download = `${namespace}-${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`
    link.click()
  }

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen()
    else void frameRef.current?.requestFullscreen()
  }

  return (
    <div className="vmdeck-console" ref={frameRef}>
      <Toolbar className="vmdeck-console__toolbar" aria-label="VNC console toolbar">
        <ToolbarContent>
          <ToolbarGroup>
            <ToolbarItem>
              <Button
                variant="secondary"
                isDisabled={!connected}
                onClick={() => {
                  rfbRef.current?.sendCtrlAltDel()
                  rfbRef.current?.focus()
                }}
              >
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
                    <DropdownItem key={combo.label} onClick={() => sendCombo(combo.keys)}>
                      {combo.label}
                    </DropdownItem>
                  ))}
                </DropdownList>
              </Dropdown>
            </ToolbarItem>
            <ToolbarItem>
              <Button
                variant="secondary"
                isDisabled={!connected}
                onClick={() => setPasteOpen(true)}
              >
                Paste as keystrokes
              </Button>
            </ToolbarItem>
          </ToolbarGroup>
          <ToolbarGroup>
            <ToolbarItem>
              <Switch
                id={`vnc-scale-${namespace}-${name}`}
                label="Scale to fit"
                isChecked={scale}
                onChange={(_event, checked) => setScale(checked)}
              />
            </ToolbarItem>
            <ToolbarItem>
              <Button
                variant="plain"
                aria-label={fullscreen ? 'Exit full screen' : 'Full screen'}
                icon={fullscreen ? <CompressIcon /> : <ExpandIcon />}
                onClick={toggleFullscreen}
              />
            </ToolbarItem>
            <ToolbarItem>
              <Button
                variant="plain"
                aria-label="Screenshot"
                icon={<CameraIcon />}
                isDisabled={!connected}
                onClick={screenshot}
              />
            </ToolbarItem>
          </ToolbarGroup>
          <ToolbarGroup align={{ default: 'alignEnd' }}>
            <ToolbarItem>
              <ConnectionLabel state={state} />
            </ToolbarItem>
            <ToolbarItem>
              {state.phase === 'connected' || state.phase === 'connecting' ? (
                <Button variant="link" onClick={disconnect}>
                  Disconnect
                </Button>
              ) : (
                <Button variant="link" isDisabled={!canConnect} onClick={() => reconnect()}>
                  Connect
                </Button>
              )}
            </ToolbarItem>
          </ToolbarGroup>
        </ToolbarContent>
      </Toolbar>
      <DisconnectedNotice
        state={state}
        what="The VNC console"
        onReconnect={() => reconnect()}
        onTakeOver={() => reconnect({ takeOver: true })}
      />
      <div
        className="vmdeck-console__screen"
        ref={screenRef}
        data-testid="vnc-screen"
        aria-label={`VNC console of ${name}`}
      />
      {pasteOpen && (
        <PasteDialog
          onClose={() => setPasteOpen(false)}
          onType={(text) => typeText(rfbRef.current, text)}
        />
      )}
    </div>
  )
}

/** Re-applies the scale setting: noVNC's setter recomputes the canvas size from the container. */
function rescale(rfb: RFB): void {
  const scale = rfb.scaleViewport
  rfb.scaleViewport = !scale
  rfb.scaleViewport = scale
}

/** Types text key by key; a shifted character is wrapped in an explicit Shift press. */
async function typeText(rfb: RFB | null, text: string): Promise<void> {
  if (!rfb) return
  const { strokes } = keystrokesFor(text)
  for (const { key, shift } of strokes) {
    if (shift) rfb.sendKey(Keys.shift.keysym, Keys.shift.code, true)
    rfb.sendKey(key.keysym, key.code, true)
    rfb.sendKey(key.keysym, key.code, false)
    if (shift) rfb.sendKey(Keys.shift.keysym, Keys.shift.code, false)
    // Let the guest's keyboard keep up (QEMU queues, the guest's driver may not).
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  rfb.focus()
}

function PasteDialog({
  onClose,
  onType,
}: {
  onClose: () => void
  onType: (text: string) => Promise<void>
}) {
  const [text, setText] = useState('')
  const [typing, setTyping] = useState(false)
  const { untypable } = keystrokesFor(text)
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="vnc-paste-title">
      <ModalHeader
        title="Paste as keystrokes"
        labelId="vnc-paste-title"
        description="The text is typed into the VM key by key (US keyboard layout)."
      />
      <ModalBody>
        <TextArea
          aria-label="Text to type"
          value={text}
          onChange={(_event, value) => setText(value)}
          rows={5}
          autoFocus
        />
        {untypable.length > 0 && (
          <p className="vmdeck-muted">
            These characters have no key and are skipped: {untypable.join(' ')}
          </p>
        )}
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          isDisabled={!text || typing}
          isLoading={typing}
          onClick={() => {
            setTyping(true)
            void onType(text).finally(() => {
              setTyping(false)
              onClose()
            })
          }}
        >
          Type it
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  )
}
