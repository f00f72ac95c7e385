import {
  Divider,
  Dropdown,
  DropdownItem,
  DropdownList,
  Label,
  LabelGroup,
  MenuToggle,
} from '@patternfly/react-core'
import UserIcon from '@patternfly/react-icons/dist/esm/icons/user-icon'
import type { SessionInfo } from '@vmdeck/shared'
import { useState } from 'react'
import { useLogout } from '../api/session-queries.ts'
import { describeSessionEnd } from '../lib/session-end.ts'

const signedInWith = { sso: 'Signed in with single sign-on', token: 'Signed in with a token' }

/** The masthead's user menu: who you are, your groups, when the session ends, and Log out. */
export function UserMenu({ session }: { session: SessionInfo }) {
  const [open, setOpen] = useState(false)
  const logout = useLogout()
  const { username, groups, displayName } = session.user
  return (
    <Dropdown
      isOpen={open}
      onOpenChange={setOpen}
      popperProps={{ position: 'right' }}
      toggle={(ref) => (
        <MenuToggle
          ref={ref}
          variant="plainText"
          icon={<UserIcon />}
          isExpanded={open}
          onClick={() => setOpen((was) => !was)}
          aria-label={`User menu: ${username}`}
        >
          {displayName ?? username}
        </MenuToggle>
      )}
    >
      <section className="vmdeck-user-card" aria-label="Your session">
        <div className="vmdeck-user-card__name">{displayName ?? username}</div>
        {displayName && <div className="vmdeck-muted">{username} in the cluster</div>}
        {session.session && (
          <div className="vmdeck-muted">{signedInWith[session.session.method]}</div>
        )}
        <LabelGroup categoryName="Groups" numLabels={6} className="vmdeck-user-card__groups">
          {groups.map((group) => (
            <Label key={group} isCompact>
              {group}
            </Label>
          ))}
        </LabelGroup>
        <div className="vmdeck-muted">
          {session.session
            ? describeSessionEnd(session.session)
            : 'Your requests carry a bearer token: it ends when the token does.'}
        </div>
      </section>
      <Divider />
      <DropdownList>
        <DropdownItem onClick={() => logout.mutate()}>Log out</DropdownItem>
      </DropdownList>
    </Dropdown>
  )
}
