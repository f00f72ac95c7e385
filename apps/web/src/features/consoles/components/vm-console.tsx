import {
  Alert,
  Button,
  Flex,
  FlexItem,
  Skeleton,
  ToggleGroup,
  ToggleGroupItem,
} from '@patternfly/react-core'
import { ExternalLinkAltIcon } from '@patternfly/react-icons'
import { useQuery } from '@tanstack/react-query'
import { lazy, Suspense, useState } from 'react'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { useVmPermissions } from '../../../lib/permissions.ts'
import { vmQueries } from '../../../lib/vm-queries.ts'
import { consoleWindowPath, type ConsoleKind } from '../lib/console-url.ts'
import { ConsoleRecordings } from './console-recordings.tsx'

// noVNC and xterm.js are fetched when a console is first shown, not with the page.
const VncConsole = lazy(() => import('./vnc-console.tsx').then((m) => ({ default: m.VncConsole })))
const SerialConsole = lazy(() =>
  import('./serial-console.tsx').then((m) => ({ default: m.SerialConsole })),
)

const KIND_KEY = 'vmdeck.console.kind'
const reachable = new Set(['Running', 'Paused', 'Migrating'])

export interface VmConsoleProps {
  cluster: string
  namespace: string
  name: string
  /** Which console to show first (the last one used otherwise). */
  kind?: ConsoleKind
  /** In the standalone window: no "open in new window". */
  standalone?: boolean
}

/**
 * The VM's consoles, VNC and serial, for the detail page's Console tab and the standalone
 * console window. Connects only while the VM runs and the user may open consoles; says why not
 * otherwise.
 */
export function VmConsole({ cluster, namespace, name, kind, standalone }: VmConsoleProps) {
  const [chosen, setChosen] = useState<ConsoleKind>(
    () => kind ?? (localStorage.getItem(KIND_KEY) === 'serial' ? 'serial' : 'vnc'),
  )
  const choose = (next: ConsoleKind) => {
    localStorage.setItem(KIND_KEY, next)
    setChosen(next)
  }
  const detail = useQuery(vmQueries.detail(cluster, { namespace, name }))
  const can = useVmPermissions(cluster, [namespace], ['vnc', 'serial'])
  const allowed = can(chosen, namespace)

  if (detail.isPending) return <Skeleton height="480px" screenreaderText="Loading the console" />
  if (detail.error) return <ErrorAlert error={detail.error} title={`${name} could not be loaded`} />
  const vm = detail.data
  const running = vm.phase ? vm.phase === 'Running' : reachable.has(vm.status)

  const props = { cluster, namespace, name, canConnect: running && allowed.allowed }
  // A new instance or phase is a new chance to connect (a console refused while the VMI was
  // still starting connects once it runs).
  const instance = `${vm.vmiUid ?? ''}-${vm.phase ?? vm.status}`
  return (
    <Flex direction={{ default: 'column' }} gap={{ default: 'gapSm' }}>
      <Flex justifyContent={{ default: 'justifyContentSpaceBetween' }}>
        <FlexItem>
          <ToggleGroup aria-label="Console type">
            <ToggleGroupItem
              text="VNC console"
              buttonId="console-kind-vnc"
              isSelected={chosen === 'vnc'}
              onChange={() => choose('vnc')}
            />
            <ToggleGroupItem
              text="Serial console"
              buttonId="console-kind-serial"
              isSelected={chosen === 'serial'}
              onChange={() => choose('serial')}
            />
          </ToggleGroup>
        </FlexItem>
        {!standalone && (
          <FlexItem>
            <Button
              variant="link"
              icon={<ExternalLinkAltIcon />}
              iconPosition="end"
              component="a"
              href={consoleWindowPath(cluster, namespace, name, chosen)}
              target="_blank"
              rel="noopener"
            >
              Open in new window
            </Button>
          </FlexItem>
        )}
      </Flex>
      {!allowed.allowed && (
        <Alert isInline variant="info" title="You cannot open this console">
          {allowed.reason}
        </Alert>
      )}
      {allowed.allowed && !running && (
        <Alert isInline variant="info" title={`${name} is not running`}>
          The console connects when the VM runs (now: {vm.status}).
        </Alert>
      )}
      <Suspense fallback={<Skeleton height="480px" screenreaderText="Loading the console" />}>
        {chosen === 'vnc' ? (
          <VncConsole key={`vnc-${instance}`} {...props} />
        ) : (
          <SerialConsole key={`serial-${instance}`} {...props} />
        )}
      </Suspense>
      {(can('vnc', namespace).allowed || can('serial', namespace).allowed) && (
        <ConsoleRecordings cluster={cluster} namespace={namespace} name={name} />
      )}
    </Flex>
  )
}
