import { fireEvent, screen, within } from '@testing-library/react'
import type { SessionInfo } from '@vmdeck/shared'
import { describe, expect, it } from 'vitest'
import { renderWithApp } from '../../../testing/render.tsx'
import { UserMenu } from './user-menu.tsx'

const base: SessionInfo = {
  user: { username: 'oidc:helpdesk', groups: ['oidc:helpdesk', 'system:authenticated'] },
  clusters: ['vmdeck-sim'],
}

function openMenu(session: SessionInfo) {
  renderWithApp(<UserMenu session={session} />)
  fireEvent.click(screen.getByRole('button', { name: 'User menu: oidc:helpdesk' }))
  return screen.getByRole('region', { name: 'Your session' })
}

describe('UserMenu', () => {
  it('shows who you are, your groups, how you signed in and when the session ends', () => {
    const ends = new Date(Date.now() + 60_000)
    const card = openMenu({
      ...base,
      session: { method: 'sso', expiresAt: ends.toISOString(), idleTimeoutSeconds: 1800 },
    })
    expect(within(card).getByText('oidc:helpdesk', { selector: 'div' })).toBeTruthy()
    expect(within(card).getByText('system:authenticated')).toBeTruthy()
    expect(within(card).getByText('Signed in with single sign-on')).toBeTruthy()
    const time = ends.toLocaleString(undefined, { timeStyle: 'short' })
    expect(
      within(card).getByText(`Session ends at ${time}, or after 30 minutes without use`),
    ).toBeTruthy()
    expect(screen.getByRole('menuitem', { name: 'Log out' })).toBeTruthy()
  })

  it("names the person from the provider's name claim, with the cluster's user name beside it", () => {
    const card = openMenu({ ...base, user: { ...base.user, displayName: 'Hal Helpdesk' } })
    expect(screen.getByRole('button', { name: 'User menu: oidc:helpdesk' }).textContent).toBe(
      'Hal Helpdesk',
    )
    expect(within(card).getByText('Hal Helpdesk', { selector: 'div' })).toBeTruthy()
    expect(within(card).getByText('oidc:helpdesk in the cluster')).toBeTruthy()
  })

  it('says a bearer token has no session to end', () => {
    const card = openMenu(base)
    expect(within(card).getByText(/carry a bearer token/)).toBeTruthy()
    expect(within(card).queryByText(/Signed in with/)).toBeNull()
  })
})
