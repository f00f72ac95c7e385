import {
  Card,
  CardBody,
  CardTitle,
  Gallery,
  PageSection,
  Skeleton,
  Spinner,
  Title,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { VmList } from '@vmdeck/shared'
import { Suspense, type ComponentType } from 'react'
import { Link, useSearchParams } from 'react-router'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { api } from '../../../lib/api-client.ts'
import { clusterPath, clusterQueries } from '../../../lib/cluster-queries.ts'

const statusGroups = [
  { label: 'Running', status: ['Running'] },
  { label: 'Stopped', status: ['Stopped'] },
  { label: 'Paused', status: ['Paused'] },
  { label: 'Migrating', status: ['Migrating'] },
]

function Figure({ value, label, to }: { value: number | undefined; label: string; to: string }) {
  return (
    <Link to={to} className="vmdeck-figure">
      <span className="vmdeck-figure-value">{value ?? '…'}</span>
      <span className="vmdeck-figure-label">{label}</span>
    </Link>
  )
}

/**
 * The cluster at a glance: VMs by status, nodes, migrations; each figure links to its list.
 * `Charts` (top VMs, node utilization) come from the metrics feature, through app/.
 */
export default function OverviewPage({
  cluster,
  Charts,
}: {
  cluster: string
  Charts: ComponentType<{ cluster: string }>
}) {
  const [params] = useSearchParams()
  const namespace = params.get('namespace') ?? ''
  const scope = namespace ? `&namespace=${encodeURIComponent(namespace)}` : ''
  const vms = useQuery({
    queryKey: ['clusters', cluster, 'overview', namespace],
    queryFn: ({ signal }) =>
      api.get<VmList>(`${clusterPath(cluster)}/vms?limit=1${scope}`, { signal }),
    refetchInterval: 10_000,
  })
  const nodes = useQuery(clusterQueries.nodes(cluster))
  const migrations = useQuery(clusterQueries.migrations(cluster))
  const counts = vms.data?.counts ?? {}
  const count = (statuses: string[]) =>
    vms.data ? statuses.reduce((sum, s) => sum + (counts[s] ?? 0), 0) : undefined
  const errors = vms.data
    ? vms.data.total - statusGroups.reduce((sum, g) => sum + (count(g.status) ?? 0), 0)
    : undefined
  const nodeItems = nodes.data?.items ?? []
  return (
    <PageSection>
      <Title headingLevel="h1" size="xl" style={{ marginBottom: 16 }}>
        Overview of {cluster}
      </Title>
      <Gallery hasGutter minWidths={{ default: '280px' }}>
        <Card isCompact>
          <CardTitle>Virtual machines</CardTitle>
          <CardBody>
            {vms.error && <ErrorAlert error={vms.error} />}
            {vms.isPending && <Skeleton screenreaderText="Loading" />}
            <div className="vmdeck-figures">
              <Figure value={vms.data?.total} label="Total" to="/vms" />
              {statusGroups.map((group) => (
                <Figure
                  key={group.label}
                  value={count(group.status)}
                  label={group.label}
                  to={`/vms?status=${group.label.toLowerCase()}`}
                />
              ))}
              <Figure value={errors} label="Other" to="/vms?status=transition,error" />
            </div>
          </CardBody>
        </Card>
        <Card isCompact>
          <CardTitle>Nodes</CardTitle>
          <CardBody>
            {nodes.error && <ErrorAlert error={nodes.error} />}
            <div className="vmdeck-figures">
              <Figure value={nodes.data ? nodeItems.length : undefined} label="Total" to="/nodes" />
              <Figure
                value={nodes.data ? nodeItems.filter((n) => n.ready).length : undefined}
                label="Ready"
                to="/nodes"
              />
              <Figure
                value={nodes.data ? nodeItems.filter((n) => !n.schedulable).length : undefined}
                label="Cordoned"
                to="/nodes"
              />
            </div>
          </CardBody>
        </Card>
        <Card isCompact>
          <CardTitle>Migrations</CardTitle>
          <CardBody>
            {migrations.error && <ErrorAlert error={migrations.error} />}
            <div className="vmdeck-figures">
              <Figure
                value={migrations.data?.items.filter((m) => m.active).length}
                label="Active"
                to="/migrations"
              />
              <Figure
                value={migrations.data?.items.filter((m) => m.phase === 'Failed').length}
                label="Failed"
                to="/migrations"
              />
            </div>
          </CardBody>
        </Card>
      </Gallery>
      <Suspense fallback={<Spinner size="lg" aria-label="Loading charts" />}>
        <Charts cluster={cluster} />
      </Suspense>
    </PageSection>
  )
}
