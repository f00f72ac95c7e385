import {
  Button,
  Label,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  Nav,
  NavItem,
  NavList,
  Page,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  SkipToContent,
  ToggleGroup,
  ToggleGroupItem,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
  Tooltip,
} from '@patternfly/react-core'
import BarsIcon from '@patternfly/react-icons/dist/esm/icons/bars-icon'
import MoonIcon from '@patternfly/react-icons/dist/esm/icons/moon-icon'
import SearchIcon from '@patternfly/react-icons/dist/esm/icons/search-icon'
import SunIcon from '@patternfly/react-icons/dist/esm/icons/sun-icon'
import type { SessionInfo } from '@vmdeck/shared'
import { Suspense, useEffect, useState, type ReactNode } from 'react'
import { NavLink, useLocation } from 'react-router'
import { NamespacePicker } from '../components/ui/namespace-picker.tsx'
import { SimpleSelect } from '../components/ui/simple-select.tsx'
import { UserMenu } from '../features/session/components/user-menu.tsx'
import { useKnownNamespaces } from '../features/vms/api/use-known-namespaces.ts'
import { VmJump } from '../features/vms/components/vm-jump.tsx'
import { useTheme } from '../lib/theme.ts'
import { useNamespace } from '../lib/use-namespace.ts'
import { TasksDrawer } from './lazy-features.ts'

const sections = [
  { path: '/overview', label: 'Overview' },
  { path: '/vms', label: 'Virtual machines' },
  { path: '/migrations', label: 'Migrations' },
  { path: '/nodes', label: 'Nodes' },
  { path: '/templates', label: 'Templates' },
  { path: '/tasks', label: 'Tasks' },
]

export function Shell({
  session,
  cluster,
  onClusterChange,
  live,
  children,
}: {
  session: SessionInfo
  cluster: string
  onClusterChange: (cluster: string) => void
  live: boolean
  children: ReactNode
}) {
  const [jumpOpen, setJumpOpen] = useState(false)
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault()
        setJumpOpen(true)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton variant="plain" aria-label="Navigation">
            <BarsIcon />
          </PageToggleButton>
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component="span" className="vmdeck-brand">
            vmdeck
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic>
          <ToolbarContent>
            <ToolbarGroup>
              <ToolbarItem>
                <SimpleSelect
                  label="Cluster"
                  value={cluster}
                  choices={session.clusters.map((id) => ({ value: id, label: id }))}
                  onChange={onClusterChange}
                  toggleText={<>Cluster: {cluster}</>}
                />
              </ToolbarItem>
              <ToolbarItem>
                <NamespaceSelect cluster={cluster} />
              </ToolbarItem>
              <ToolbarItem alignSelf="center">
                <LiveIndicator live={live} />
              </ToolbarItem>
            </ToolbarGroup>
            <ToolbarGroup align={{ default: 'alignEnd' }}>
              <ToolbarItem>
                <Button
                  variant="plain"
                  icon={<SearchIcon />}
                  onClick={() => setJumpOpen(true)}
                  aria-keyshortcuts="Control+K"
                >
                  <span className="pf-v6-screen-reader">Jump to a virtual machine</span>
                  <span className="vmdeck-kbd">Ctrl K</span>
                </Button>
              </ToolbarItem>
              <ToolbarItem>
                <Suspense fallback={null}>
                  <TasksDrawer cluster={cluster} />
                </Suspense>
              </ToolbarItem>
              <ToolbarItem>
                <ThemeToggle />
              </ToolbarItem>
              <ToolbarItem>
                <UserMenu session={session} />
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  )
  return (
    <Page
      masthead={masthead}
      sidebar={<Sidebar />}
      isManagedSidebar
      skipToContent={<SkipToContent href="#main">Skip to content</SkipToContent>}
      mainContainerId="main"
    >
      {children}
      <VmJump cluster={cluster} isOpen={jumpOpen} onClose={() => setJumpOpen(false)} />
    </Page>
  )
}

function Sidebar() {
  const { search } = useLocation()
  // Only the namespace travels between sections; other filters belong to their page.
  const namespace = new URLSearchParams(search).get('namespace')
  const carry = namespace ? `?namespace=${encodeURIComponent(namespace)}` : ''
  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Main">
          <NavList>
            {sections.map((section) => (
              <NavItem key={section.path}>
                <NavLink
                  to={`${section.path}${carry}`}
                  className={({ isActive }) => (isActive ? 'pf-m-current' : '')}
                >
                  {section.label}
                </NavLink>
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  )
}

function NamespaceSelect({ cluster }: { cluster: string }) {
  const [namespace, setNamespace] = useNamespace()
  const known = useKnownNamespaces(cluster)
  return (
    <NamespacePicker
      label="Namespace"
      value={namespace}
      onChange={setNamespace}
      known={known}
      allowAll
    />
  )
}

function LiveIndicator({ live }: { live: boolean }) {
  return (
    <Tooltip
      content={
        live
          ? 'Changes in the cluster appear as they happen.'
          : 'The event stream is down; vmdeck is reconnecting. What you see may be out of date.'
      }
    >
      <Label
        color={live ? 'green' : 'orange'}
        isCompact
        aria-live="polite"
        tabIndex={0}
        icon={<span className={`vmdeck-live-dot ${live ? 'is-live' : ''}`} aria-hidden />}
      >
        {live ? 'Live' : 'Live updates paused'}
      </Label>
    </Tooltip>
  )
}

function ThemeToggle() {
  const [theme, setTheme] = useTheme()
  return (
    <ToggleGroup aria-label="Theme" isCompact>
      <ToggleGroupItem
        icon={<SunIcon />}
        aria-label="Light theme"
        isSelected={theme === 'light'}
        onChange={() => setTheme('light')}
      />
      <ToggleGroupItem
        icon={<MoonIcon />}
        aria-label="Dark theme"
        isSelected={theme === 'dark'}
        onChange={() => setTheme('dark')}
      />
    </ToggleGroup>
  )
}
