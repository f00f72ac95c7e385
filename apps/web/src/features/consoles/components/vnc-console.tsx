import type RFB from '@novnc/novnc'
import { useCallback, useEffect, useRef, useState } from 'react'
import { BinaryChannel } from '../lib/binary-channel.ts'
import { useConsolePresence } from '../lib/console-presence.ts'
import { consoleUrl, PLAIN_STREAM_PROTOCOL } from '../lib/console-url.ts'
import type { Key } from '../lib/keysyms.ts'
import { useConsoleConnection } from '../lib/use-console-connection.ts'
import { DisconnectedNotice } from './connection-status.tsx'
import { PasteDialog, typeText } from './paste-dialog.tsx'
import { GuestClipboard } from './guest-clipboard.tsx'
import { PresenceBar } from './presence-bar.tsx'
import { VncToolbar } from './vnc-toolbar.tsx'
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
  const [pasteOpen, setPasteOpen] = useState(false)
  const { presence, attach, onText, send } = useConsolePresence()
  const [guestClipboard, setGuestClipboard] = useState<string | null>(null)

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
        consoleUrl(cluster, namespace, name, 'vnc', {
          preserveSession: String(!takeOver),
          presence: 'true',
        }),
        [PLAIN_STREAM_PROTOCOL],
      )
      ws.binaryType = 'arraybuffer'
      ws.addEventListener('close', (event) => {
        attach(null)
        handlers.closed(event.code, event.reason)
      })
      attach(ws)
      // noVNC reads binary frames only; the presence messages are text frames.
      const channel = new BinaryChannel(ws, onText) as unknown as WebSocket
      const rfb = new Rfb(screen, channel, { shared: true })
      rfb.scaleViewport = scale
      rfb.background = '#151515'
      rfb.focusOnClick = true
      rfb.addEventListener('clipboard', (event) =>
        setGuestClipboard((event as CustomEvent<{ text: string }>).detail.text),
      )
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
      <VncToolbar
        id={`vnc-scale-${namespace}-${name}`}
        connected={connected}
        canConnect={canConnect}
        state={state}
        scale={scale}
        fullscreen={fullscreen}
        onScale={setScale}
        onFullscreen={toggleFullscreen}
        onCtrlAltDel={() => {
          rfbRef.current?.sendCtrlAltDel()
          rfbRef.current?.focus()
        }}
        onCombo={sendCombo}
        onPaste={() => setPasteOpen(true)}
        onScreenshot={screenshot}
        onConnect={() => reconnect()}
        onDisconnect={disconnect}
      />
      {connected && <PresenceBar presence={presence} send={send} />}
      {connected && <GuestClipboard text={guestClipboard} />}
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
