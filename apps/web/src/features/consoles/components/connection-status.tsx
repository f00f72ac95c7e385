import {
  Alert,
  AlertActionLink,
  Button,
  Label,
  Spinner,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core'
import { useEffect, useState } from 'react'
import type { ConnectionState } from '../lib/connection-state.ts'

/** The console's connection as a label: connected, connecting, reconnecting in n s, disconnected. */
export function ConnectionLabel({ state }: { state: ConnectionState }) {
  const retryAt = state.phase === 'retrying' ? state.at : 0
  const [now, setNow] = useState(0)
  useEffect(() => {
    if (!retryAt) return
    const timer = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(timer)
  }, [retryAt])
  switch (state.phase) {
    case 'connected':
      return (
        <Label color="green" data-testid="console-status">
          Connected
        </Label>
      )
    case 'connecting':
      return (
        <Label color="blue" icon={<Spinner size="sm" aria-hidden />} data-testid="console-status">
          {state.attempt > 1 ? `Reconnecting (attempt ${state.attempt})…` : 'Connecting…'}
        </Label>
      )
    case 'retrying': {
      const seconds = now ? Math.max(0, Math.ceil((state.at - now) / 1000)) : undefined
      return (
        <Label color="orange" data-testid="console-status">
          {seconds === undefined
            ? 'Disconnected · retrying'
            : `Disconnected · retrying in ${seconds} s`}
        </Label>
      )
    }
    case 'stopped':
      return (
        <Label color="red" data-testid="console-status">
          Disconnected
        </Label>
      )
    case 'idle':
      return (
        <Label color="grey" data-testid="console-status">
          Not connected
        </Label>
      )
  }
}

/** The end of a console's toolbar: its connection, and Disconnect (or Connect when it is not). */
export function ConnectionControls({
  state,
  canConnect,
  onConnect,
  onDisconnect,
}: {
  state: ConnectionState
  canConnect: boolean
  onConnect: () => void
  onDisconnect: () => void
}) {
  return (
    <ToolbarGroup align={{ default: 'alignEnd' }}>
      <ToolbarItem>
        <ConnectionLabel state={state} />
      </ToolbarItem>
      <ToolbarItem>
        {state.phase === 'connected' || state.phase === 'connecting' ? (
          <Button variant="link" onClick={onDisconnect}>
            Disconnect
          </Button>
        ) : (
          <Button variant="link" isDisabled={!canConnect} onClick={onConnect}>
            Connect
          </Button>
        )}
      </ToolbarItem>
    </ToolbarGroup>
  )
}

/** Why the console is not connected, with the way forward (reconnect, take over, log in). */
export function DisconnectedNotice({
  state,
  onReconnect,
  onTakeOver,
  what,
}: {
  state: ConnectionState
  onReconnect: () => void
  onTakeOver?: () => void
  what: string
}) {
  if (state.phase !== 'stopped' && state.phase !== 'retrying') return null
  const { info } = state
  if (info.inUse && onTakeOver)
    return (
      <Alert
        isInline
        variant="warning"
        title={`${what} is in use`}
        actionLinks={
          <>
            <AlertActionLink onClick={onTakeOver}>Take over the session</AlertActionLink>
            <AlertActionLink onClick={onReconnect}>Try again</AlertActionLink>
          </>
        }
      >
        {info.reason} Taking over disconnects them.
      </Alert>
    )
  return (
    <Alert
      isInline
      variant={state.phase === 'retrying' ? 'info' : info.retry ? 'warning' : 'danger'}
      title={
        state.phase === 'retrying'
          ? `${what} disconnected; reconnecting`
          : `${what} is not connected`
      }
      actionLinks={
        info.loggedOut ? (
          <AlertActionLink onClick={() => window.location.assign('/')}>Log in</AlertActionLink>
        ) : (
          <AlertActionLink onClick={onReconnect}>Reconnect now</AlertActionLink>
        )
      }
    >
      <span data-testid="console-close-reason">{info.reason}</span>
    </Alert>
  )
}
