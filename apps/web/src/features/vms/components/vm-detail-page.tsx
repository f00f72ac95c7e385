import {
  Breadcrumb,
  BreadcrumbItem,
  Flex,
  FlexItem,
  Label,
  PageSection,
  Skeleton,
  Spinner,
  Tab,
  Tabs,
  TabTitleText,
  Title,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import { TEMPLATE_LABEL } from '@vmdeck/shared'
import { Suspense } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { useVmPermissions } from '../../../lib/permissions.ts'
import { vmQueries } from '../../../lib/vm-queries.ts'
import { vmActions } from '../model/vm-actions.ts'
import type { VmDetailPanels } from '../model/vm-panels.ts'
import { DisksTab } from './detail/disks-tab.tsx'
import { EventsTab } from './detail/events-tab.tsx'
import { MigrationsTab } from './detail/migrations-tab.tsx'
import { OverviewTab } from './detail/overview-tab.tsx'
import { SnapshotsTab } from './detail/snapshots-tab.tsx'
import { YamlTab } from './detail/yaml-tab.tsx'
import { useVmActionRunner } from './vm-action-runner.tsx'
import { VmActionsBar } from './vm-actions-bar.tsx'
import { VmStatusLabel } from './vm-status-label.tsx'

const tabs = [
  { key: 'overview', title: 'Overview' },
  { key: 'console', title: 'Console' },
  { key: 'metrics', title: 'Metrics' },
  { key: 'snapshots', title: 'Snapshots' },
  { key: 'disks', title: 'Disks and networks' },
  { key: 'configuration', title: 'Configuration' },
  { key: 'migrations', title: 'Migrations' },
  { key: 'events', title: 'Events' },
  { key: 'timeline', title: 'Tasks & events' },
  { key: 'yaml', title: 'YAML' },
] as const

export default function VmDetailPage({
  cluster,
  panels,
}: {
  cluster: string
  panels: VmDetailPanels
}) {
  const { Console, Metrics, Configuration } = panels
  const params = useParams()
  const namespace = params.namespace ?? ''
  const name = params.name ?? ''
  const tab = tabs.some((t) => t.key === params.tab) ? params.tab! : 'overview'
  const navigate = useNavigate()
  const ref = { namespace, name }
  const detail = useQuery(vmQueries.detail(cluster, ref))
  const can = useVmPermissions(
    cluster,
    [namespace],
    [...vmActions.map((def) => def.permission), 'serial'],
  )
  const runner = useVmActionRunner(cluster, { onDeleted: () => void navigate('/vms') })
  const vm = detail.data

  return (
    <>
      <PageSection variant="secondary" className="vmdeck-detail-header">
        <Breadcrumb>
          <BreadcrumbItem render={() => <Link to="/vms">Virtual machines</Link>} />
          <BreadcrumbItem
            render={() => <Link to={`/vms?namespace=${namespace}`}>{namespace}</Link>}
          />
          <BreadcrumbItem isActive>{name}</BreadcrumbItem>
        </Breadcrumb>
        <Flex
          justifyContent={{ default: 'justifyContentSpaceBetween' }}
          alignItems={{ default: 'alignItemsCenter' }}
          style={{ marginTop: 8 }}
        >
          <FlexItem>
            <Title headingLevel="h1" size="2xl">
              {name} {vm && <VmStatusLabel status={vm.status} />}{' '}
              {vm?.labels[TEMPLATE_LABEL] === 'true' && <Label color="purple">Template</Label>}
            </Title>
            <span className="vmdeck-muted">
              {vm ? (
                <>
                  {namespace}
                  {vm.node && <> · on {vm.node}</>}
                  {vm.ips[0] && <> · {vm.ips[0]}</>}
                </>
              ) : (
                namespace
              )}
            </span>
          </FlexItem>
          <FlexItem>
            {vm && (
              <Flex gap={{ default: 'gapSm' }}>
                <VmActionsBar vm={vm} can={can} run={(id) => runner.run(id, [vm])} />
                {can('clone', namespace).allowed && (
                  <panels.SaveAsTemplate cluster={cluster} namespace={namespace} name={name} />
                )}
              </Flex>
            )}
          </FlexItem>
        </Flex>
      </PageSection>
      <PageSection>
        {detail.error && <ErrorAlert error={detail.error} title={`${name} could not be loaded`} />}
        {detail.isPending && <Skeleton height="200px" screenreaderText="Loading the VM" />}
        {vm && (
          <Tabs
            activeKey={tab}
            onSelect={(_event, key) =>
              void navigate(
                `/vms/${namespace}/${name}${key === 'overview' ? '' : `/${String(key)}`}`,
                {
                  replace: true,
                },
              )
            }
            aria-label="VM details"
            mountOnEnter
            unmountOnExit
          >
            {tabs.map((t) => (
              <Tab key={t.key} eventKey={t.key} title={<TabTitleText>{t.title}</TabTitleText>}>
                <div className="vmdeck-tab-body">
                  <Suspense fallback={<Spinner size="lg" aria-label="Loading" />}>
                    {t.key === 'overview' && <OverviewTab vm={vm} />}
                    {t.key === 'console' && (
                      <Console cluster={cluster} namespace={namespace} name={name} />
                    )}
                    {t.key === 'metrics' && (
                      <Metrics cluster={cluster} namespace={namespace} name={name} />
                    )}
                    {t.key === 'snapshots' && (
                      <SnapshotsTab
                        cluster={cluster}
                        vm={vm}
                        canTake={can('snapshot', namespace)}
                        canRestore={can('restore', namespace)}
                        onTake={() => runner.run('snapshot', [vm])}
                      />
                    )}
                    {t.key === 'disks' && <DisksTab vm={vm} />}
                    {t.key === 'configuration' && (
                      <Configuration
                        cluster={cluster}
                        namespace={namespace}
                        name={name}
                        onRestart={() => runner.run('restart', [vm])}
                      />
                    )}
                    {t.key === 'migrations' && (
                      <MigrationsTab
                        cluster={cluster}
                        vm={vm}
                        canMigrate={can('migrate', namespace)}
                        ProgressChart={panels.MigrationProgress}
                      />
                    )}
                    {t.key === 'events' && <EventsTab cluster={cluster} vm={ref} />}
                    {t.key === 'timeline' && (
                      <panels.Timeline cluster={cluster} namespace={namespace} name={name} />
                    )}
                    {t.key === 'yaml' && <YamlTab cluster={cluster} vm={ref} />}
                  </Suspense>
                </div>
              </Tab>
            ))}
          </Tabs>
        )}
      </PageSection>
      {runner.dialog}
    </>
  )
}
