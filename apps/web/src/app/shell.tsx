import {
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadMain,
  Page,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
  Label,
} from '@patternfly/react-core'
import type { ReactNode } from 'react'
import type { SessionInfo } from '@vmdeck/shared'
import { useLogout } from '../features/session/api/session-queries.ts'

export function Shell({
  session,
  cluster,
  live,
  children,
}: {
  session: SessionInfo
  cluster: string
  live: boolean
  children: ReactNode
}) {
  const logout = useLogout()
  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadBrand>
          <strong style={{ fontSize: '1.25rem' }}>vmdeck</strong>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight>
          <ToolbarContent>
            <ToolbarItem>
              <span aria-label="Cluster">{cluster}</span>
            </ToolbarItem>
            <ToolbarItem>
              <Label color={live ? 'green' : 'orange'} isCompact aria-live="polite">
                {live ? 'Live' : 'Live updates paused'}
              </Label>
            </ToolbarItem>
            <ToolbarItem align={{ default: 'alignEnd' }}>
              <span>{session.user.username}</span>
            </ToolbarItem>
            <ToolbarItem>
              <Button variant="secondary" size="sm" onClick={() => logout.mutate()}>
                Log out
              </Button>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  )
  return <Page masthead={masthead}>{children}</Page>
}
