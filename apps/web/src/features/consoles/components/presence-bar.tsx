import type { ConsoleClientMessage } from '@vmdeck/shared'
import {
  Alert,
  AlertActionLink,
  Button,
  Flex,
  FlexItem,
  Label,
  TextInput,
} from '@patternfly/react-core'
import { useState } from 'react'
import type { PresenceState } from '../lib/console-presence.ts'

export interface PresenceBarProps {
  presence: PresenceState
  send: (message: ConsoleClientMessage) => void
}

/**
 * Who shares this console: who controls it, who watches, and the hand-over (request, grant or
 * refuse, take over with a reason). The BFF enforces it; this only shows and asks.
 */
export function PresenceBar({ presence, send }: PresenceBarProps) {
  const [takingOver, setTakingOver] = useState(false)
  const [reason, setReason] = useState('')
  const { role, controller, followers, you } = presence
  if (!role) return null
  const others = followers.filter((f) => f.id !== you?.id).map((f) => f.user)
  const takeOver = () => {
    send({ type: 'take-over', reason: reason.trim() })
    setTakingOver(false)
    setReason('')
  }
  return (
    <div className="vmdeck-console__presence" data-testid="console-presence">
      <Flex alignItems={{ default: 'alignItemsCenter' }} gap={{ default: 'gapSm' }}>
        <FlexItem>
          {role === 'controller' ? (
            <Label color="green">You are controlling</Label>
          ) : (
            <Label color="blue">
              {controller ? `${controller.user} is controlling` : 'Nobody is controlling'} · you are
              watching
            </Label>
          )}
        </FlexItem>
        {presence.recorded && (
          <FlexItem>
            <Label color="orange">This session is recorded</Label>
          </FlexItem>
        )}
        {others.length > 0 && <FlexItem>Watching: {others.join(', ')}</FlexItem>}
        {role === 'follower' && !takingOver && (
          <>
            <FlexItem>
              <Button
                variant="secondary"
                size="sm"
                isDisabled={presence.requested}
                onClick={() => send({ type: 'request-control' })}
              >
                {presence.requested ? 'Control requested…' : 'Request control'}
              </Button>
            </FlexItem>
            <FlexItem>
              <Button variant="link" size="sm" onClick={() => setTakingOver(true)}>
                Take over…
              </Button>
            </FlexItem>
          </>
        )}
        {role === 'follower' && takingOver && (
          <>
            <FlexItem>
              <TextInput
                aria-label="Reason for taking over"
                placeholder="Why you take over (recorded)"
                value={reason}
                onChange={(_event, value) => setReason(value)}
              />
            </FlexItem>
            <FlexItem>
              <Button size="sm" isDisabled={!reason.trim()} onClick={takeOver}>
                Take over
              </Button>
              <Button variant="link" size="sm" onClick={() => setTakingOver(false)}>
                Cancel
              </Button>
            </FlexItem>
          </>
        )}
        {presence.notice && (
          <FlexItem role="status" className="vmdeck-console__notice">
            {presence.notice}
          </FlexItem>
        )}
      </Flex>
      {role === 'controller' &&
        presence.requests.map((request) => (
          <Alert
            key={request.id}
            isInline
            variant="info"
            title={`${request.user} asks for control`}
            actionLinks={
              <>
                <AlertActionLink onClick={() => send({ type: 'grant', to: request.id })}>
                  Grant
                </AlertActionLink>
                <AlertActionLink onClick={() => send({ type: 'refuse', to: request.id })}>
                  Refuse
                </AlertActionLink>
              </>
            }
          >
            Granted by itself after {presence.autoGrantSeconds} s without input from you.
          </Alert>
        ))}
    </div>
  )
}
