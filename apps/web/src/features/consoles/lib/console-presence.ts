import type { ConsoleClientMessage, ConsoleMember, ConsoleServerMessage } from '@vmdeck/shared'
import { useCallback, useRef, useState } from 'react'

/** What the browser knows about who shares the console (the BFF's presence messages). */
export interface PresenceState {
  you: ConsoleMember | null
  role: 'controller' | 'follower' | null
  controller: ConsoleMember | null
  followers: ConsoleMember[]
  autoGrantSeconds: number
  /** The session is recorded (the user is told). */
  recorded: boolean
  /** Controller: the followers waiting for an answer. */
  requests: ConsoleMember[]
  /** Follower: its request is pending. */
  requested: boolean
  /** The last thing worth telling (refused, control changed). */
  notice: string | null
}

export const emptyPresence: PresenceState = {
  you: null,
  role: null,
  controller: null,
  followers: [],
  autoGrantSeconds: 0,
  recorded: false,
  requests: [],
  requested: false,
  notice: null,
}

/** Applies one presence message (a pure step, tested on its own). */
export function applyPresence(state: PresenceState, message: ConsoleServerMessage): PresenceState {
  switch (message.type) {
    case 'presence': {
      const present = new Set(message.followers.map((f) => f.id))
      return {
        ...state,
        you: message.you,
        role: message.role,
        controller: message.controller,
        followers: message.followers,
        autoGrantSeconds: message.autoGrantSeconds,
        recorded: message.recorded,
        requests:
          message.role === 'controller' ? state.requests.filter((r) => present.has(r.id)) : [],
        requested: message.role === 'follower' && state.requested,
      }
    }
    case 'control-requested':
      return state.requests.some((r) => r.id === message.by.id)
        ? state
        : { ...state, requests: [...state.requests, message.by] }
    case 'control-refused':
      return { ...state, requested: false, notice: `${message.by.user} kept control.` }
    case 'control-changed': {
      const how =
        message.how === 'taken-over'
          ? `took over${message.reason ? `: ${message.reason}` : ''}`
          : message.how === 'idle'
            ? 'has control (the controller was idle)'
            : message.how === 'left'
              ? 'has control (the controller left)'
              : 'was given control'
      return {
        ...state,
        requests: state.requests.filter((r) => r.id !== message.to.id),
        notice: `${message.to.user} ${how}.`,
      }
    }
  }
}

/** The presence of one console connection: feed it text frames, send control messages. */
export function useConsolePresence() {
  const [state, setState] = useState<PresenceState>(emptyPresence)
  const socketRef = useRef<WebSocket | null>(null)

  const attach = useCallback((ws: WebSocket | null) => {
    socketRef.current = ws
    setState(emptyPresence)
  }, [])
  const onText = useCallback((text: string) => {
    try {
      const message = JSON.parse(text) as ConsoleServerMessage
      setState((s) => applyPresence(s, message))
    } catch {
      // not a presence message
    }
  }, [])
  const send = useCallback((message: ConsoleClientMessage) => {
    const ws = socketRef.current
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message))
    if (message.type === 'request-control') setState((s) => ({ ...s, requested: true }))
    if (message.type === 'grant' || message.type === 'refuse')
      setState((s) => ({ ...s, requests: s.requests.filter((r) => r.id !== message.to) }))
  }, [])

  return { presence: state, attach, onText, send }
}
