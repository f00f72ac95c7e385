import {
  Button,
  Checkbox,
  SearchInput,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core'
import { CopyIcon, PasteIcon } from '@patternfly/react-icons'
import type { FitAddon } from '@xterm/addon-fit'
import type { SearchAddon } from '@xterm/addon-search'
import type { Terminal } from '@xterm/xterm'
import '@xterm/xterm/css/xterm.css'
import { useEffect, useRef, useState } from 'react'
import { copyText, readText } from '../../../lib/clipboard.ts'
import { useConsolePresence } from '../lib/console-presence.ts'
import { consoleUrl, PLAIN_STREAM_PROTOCOL } from '../lib/console-url.ts'
import { useConsoleConnection } from '../lib/use-console-connection.ts'
import { ConnectionControls, DisconnectedNotice } from './connection-status.tsx'
import { PresenceBar } from './presence-bar.tsx'
import '../consoles.css'

interface XtermParts {
  Terminal: typeof Terminal
  FitAddon: typeof FitAddon
  SearchAddon: typeof SearchAddon
}
let xtermModules: Promise<XtermParts> | undefined
const loadXterm = () =>
  (xtermModules ??= Promise.all([
    import('@xterm/xterm'),
    import('@xterm/addon-fit'),
    import('@xterm/addon-search'),
  ]).then(([xterm, fit, search]) => ({
    Terminal: xterm.Terminal,
    FitAddon: fit.FitAddon,
    SearchAddon: search.SearchAddon,
  })))

export interface SerialConsoleProps {
  cluster: string
  namespace: string
  name: string
  canConnect: boolean
}

/** The VM's serial console (xterm.js): fits its panel, copy/paste, search, reconnect. */
export function SerialConsole({ cluster, namespace, name, canConnect }: SerialConsoleProps) {
  const hostRef = useRef<HTMLDivElement>(null)
  const termRef = useRef<Terminal | null>(null)
  const searchRef = useRef<SearchAddon | null>(null)
  const socketRef = useRef<WebSocket | null>(null)
  const [ready, setReady] = useState(false)
  const [query, setQuery] = useState('')
  const encoder = useRef(new TextEncoder())
  const { presence, attach, onText, send } = useConsolePresence()
  const [copyOnSelect, setCopyOnSelect] = useState(false)
  const copyOnSelectRef = useRef(copyOnSelect)
  const [copied, setCopied] = useState<string | null>(null)

  // The clipboard may be missing (plain HTTP) or refused: say which, once per copy.
  const reportCopy = (ok: boolean) =>
    setCopied(
      ok ? 'Copied.' : 'The browser refused the clipboard (it needs HTTPS and your permission).',
    )

  // One terminal for the panel's life; connections come and go underneath it.
  useEffect(() => {
    let disposed = false
    let cleanup = () => {}
    void loadXterm().then(({ Terminal, FitAddon, SearchAddon }) => {
      const host = hostRef.current
      if (disposed || !host) return
      const term = new Terminal({
        convertEol: false,
        cursorBlink: true,
        fontSize: 14,
        scrollback: 5000,
        theme: { background: '#151515' },
      })
      const fit = new FitAddon()
      const search = new SearchAddon()
      term.loadAddon(fit)
      term.loadAddon(search)
      // The guest must not make the terminal answer on its own (DECRQSS replies are input to the
      // guest: xterm CVE-2019-0542 class). Swallow the request.
      term.parser.registerDcsHandler({ intermediates: '$', final: 'q' }, () => true)
      term.open(host)
      fit.fit()
      const onKeys = term.onData((data) => {
        const ws = socketRef.current
        if (ws?.readyState === WebSocket.OPEN) ws.send(encoder.current.encode(data))
      })
      const onBinary = term.onBinary((data) => {
        const ws = socketRef.current
        if (ws?.readyState === WebSocket.OPEN)
          ws.send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff))
      })
      // Copy on select (an option): the selection goes to the browser's clipboard as it is made.
      const onSelect = term.onSelectionChange(() => {
        const selection = term.getSelection()
        if (copyOnSelectRef.current && selection) void copyText(selection).then(reportCopy)
      })
      const resize = new ResizeObserver(() => fit.fit())
      resize.observe(host)
      termRef.current = term
      searchRef.current = search
      setReady(true)
      cleanup = () => {
        resize.disconnect()
        onKeys.dispose()
        onBinary.dispose()
        onSelect.dispose()
        term.dispose()
        termRef.current = null
      }
    })
    return () => {
      disposed = true
      cleanup()
    }
  }, [])

  const { state, reconnect, disconnect } = useConsoleConnection(canConnect && ready, (handlers) => {
    const ws = new WebSocket(consoleUrl(cluster, namespace, name, 'serial', { presence: 'true' }), [
      PLAIN_STREAM_PROTOCOL,
    ])
    ws.binaryType = 'arraybuffer'
    socketRef.current = ws
    attach(ws)
    // Connected once the line answers (or stays open a moment): the BFF accepts the socket
    // before the cluster does, and a refusal closes it right after.
    let graceTimer: ReturnType<typeof setTimeout> | undefined
    let reported = false
    const connected = () => {
      if (reported) return
      reported = true
      clearTimeout(graceTimer)
      handlers.opened()
    }
    ws.addEventListener('open', () => {
      graceTimer = setTimeout(connected, 1500)
      termRef.current?.focus()
      // The serial line says nothing until spoken to: a carriage return brings the prompt.
      ws.send(encoder.current.encode('\r'))
    })
    ws.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
      // Text frames are the BFF's presence messages; the console itself is binary.
      if (typeof event.data === 'string') return onText(event.data)
      connected()
      termRef.current?.write(new Uint8Array(event.data))
    })
    ws.addEventListener('close', (event) => {
      clearTimeout(graceTimer)
      if (socketRef.current === ws) socketRef.current = null
      attach(null)
      termRef.current?.write('\r\n\x1b[2m[disconnected]\x1b[0m\r\n')
      handlers.closed(event.code, event.reason)
    })
    return () => {
      if (socketRef.current === ws) socketRef.current = null
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close()
    }
  })
  const connected = state.phase === 'connected'

  const copy = () => {
    const selection = termRef.current?.getSelection()
    if (selection) void copyText(selection).then(reportCopy)
  }
  const paste = async () => {
    const text = await readText()
    if (text) termRef.current?.paste(text)
  }
  const find = (backwards = false) => {
    if (!query) return
    if (backwards) searchRef.current?.findPrevious(query)
    else searchRef.current?.findNext(query)
  }

  return (
    <div className="vmdeck-console">
      <Toolbar className="vmdeck-console__toolbar" aria-label="Serial console toolbar">
        <ToolbarContent>
          <ToolbarGroup>
            <ToolbarItem>
              <Button variant="secondary" icon={<CopyIcon />} onClick={copy}>
                Copy
              </Button>
            </ToolbarItem>
            <ToolbarItem>
              <Checkbox
                id={`serial-copy-on-select-${namespace}-${name}`}
                label="Copy on select"
                isChecked={copyOnSelect}
                onChange={(_event, checked) => {
                  copyOnSelectRef.current = checked
                  setCopyOnSelect(checked)
                }}
              />
            </ToolbarItem>
            {copied && (
              <ToolbarItem>
                <span role="status" className="vmdeck-console__notice">
                  {copied}
                </span>
              </ToolbarItem>
            )}
            <ToolbarItem>
              <Button
                variant="secondary"
                icon={<PasteIcon />}
                isDisabled={!connected}
                onClick={() => void paste()}
              >
                Paste
              </Button>
            </ToolbarItem>
            <ToolbarItem>
              <SearchInput
                aria-label="Search the console output"
                placeholder="Search output"
                value={query}
                onChange={(_event, value) => setQuery(value)}
                onSearch={() => find()}
                onClear={() => {
                  setQuery('')
                  searchRef.current?.clearDecorations()
                }}
                onNextClick={() => find()}
                onPreviousClick={() => find(true)}
              />
            </ToolbarItem>
          </ToolbarGroup>
          <ConnectionControls
            state={state}
            canConnect={canConnect}
            onConnect={() => reconnect()}
            onDisconnect={disconnect}
          />
        </ToolbarContent>
      </Toolbar>
      {connected && <PresenceBar presence={presence} send={send} />}
      <DisconnectedNotice state={state} what="The serial console" onReconnect={() => reconnect()} />
      <div
        ref={hostRef}
        data-testid="serial-terminal"
        aria-label={`Serial console of ${name}`}
        className={
          'vmdeck-console__terminal' + (connected ? '' : ' vmdeck-console__terminal--disconnected')
        }
      />
    </div>
  )
}
