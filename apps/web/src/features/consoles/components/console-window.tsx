import { Title } from '@patternfly/react-core'
import { useEffect } from 'react'
import { Link, useParams, useSearchParams } from 'react-router'
import { useClusterStream } from '../../../lib/use-cluster-stream.ts'
import type { ConsoleKind } from '../lib/console-url.ts'
import { VmConsole } from './vm-console.tsx'
import '../consoles.css'

/**
 * `/console/:namespace/:name?type=vnc|serial&cluster=…`: a VM's console alone in its window,
 * deep-linkable (help-desk keeps it open beside the ticket).
 */
export function ConsoleWindow({ cluster }: { cluster: string }) {
  const params = useParams()
  const [search] = useSearchParams()
  const namespace = params.namespace ?? ''
  const name = params.name ?? ''
  const kind: ConsoleKind = search.get('type') === 'serial' ? 'serial' : 'vnc'
  const target = search.get('cluster') ?? cluster
  // VM changes (stopped, started, recreated) reach this window too.
  useClusterStream(target)
  useEffect(() => {
    document.title = `${name} · console · vmdeck`
  }, [name])
  return (
    <div className="vmdeck-console-window">
      <Title headingLevel="h1" size="lg">
        Console of <Link to={`/vms/${namespace}/${name}`}>{name}</Link>{' '}
        <span className="vmdeck-muted">
          {namespace} · {target}
        </span>
      </Title>
      <VmConsole cluster={target} namespace={namespace} name={name} kind={kind} standalone />
    </div>
  )
}
