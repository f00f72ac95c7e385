import '../vm-config.css'
import {
  Alert,
  AlertActionCloseButton,
  Button,
  Grid,
  GridItem,
  Skeleton,
  Stack,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { VmConfigApplied } from '@vmdeck/shared'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { vmConfigQueries } from '../api/vm-config-api.ts'
import { ComputeSection } from './compute-section.tsx'
import { DetailsSection } from './details-section.tsx'
import { DisksSection } from './disks-section.tsx'
import { InitialRunSection } from './initial-run-section.tsx'
import { NetworkSection } from './network-section.tsx'
import { useSectionChange } from './use-section-change.tsx'

const EFFECT: Record<
  VmConfigApplied['takesEffect'],
  { title: string; variant: 'success' | 'info' | 'warning' }
> = {
  now: { title: 'Saved', variant: 'success' },
  live: { title: 'Saved and applied to the running VM', variant: 'success' },
  restart: { title: 'Saved; applies at the next restart', variant: 'warning' },
  'next-start': { title: 'Saved; the VM starts with it', variant: 'info' },
}

/** The Configuration tab: each section of the VM, changed through a reviewed dry run. */
export function VmConfigTab({
  cluster,
  namespace,
  name,
  onRestart,
}: {
  cluster: string
  namespace: string
  name: string
  /** Restarts the VM (the detail page's own Restart, with its confirmation). */
  onRestart: () => void
}) {
  const ref = { namespace, name }
  const query = useQuery(vmConfigQueries.config(cluster, ref))
  const config = query.data
  const flow = useSectionChange(cluster, ref, config?.version)
  if (query.error)
    return <ErrorAlert error={query.error} title="The configuration could not be loaded" />
  if (!config) return <Skeleton height="240px" screenreaderText="Loading the configuration" />
  const section = (key: string) => ({ reviewing: flow.reviewing === key, onReview: flow.start })
  const restartButton = config.editable ? (
    <Button variant="secondary" size="sm" onClick={onRestart}>
      Restart
    </Button>
  ) : undefined
  return (
    <Stack hasGutter className="vmdeck-config">
      {!config.editable && (
        <Alert variant="info" isInline title="Read-only">
          {config.readOnlyReason}
        </Alert>
      )}
      {config.restartRequired && (
        <Alert
          variant="warning"
          isInline
          title="Saved changes apply at the next restart"
          actionLinks={restartButton}
        >
          {config.restartRequired}
        </Alert>
      )}
      {/* A restart the VM already shows as RestartRequired is said once, above. */}
      {flow.applied && !(flow.applied.takesEffect === 'restart' && config.restartRequired) && (
        <Alert
          variant={EFFECT[flow.applied.takesEffect].variant}
          isInline
          title={EFFECT[flow.applied.takesEffect].title}
          actionClose={<AlertActionCloseButton onClose={flow.dismiss} />}
          {...(flow.applied.takesEffect === 'restart' && restartButton
            ? { actionLinks: restartButton }
            : {})}
        >
          {/* The title says it all, except KubeVirt's reason for a restart. */}
          {flow.applied.takesEffect === 'restart' && flow.applied.message}
        </Alert>
      )}
      {flow.refused && (
        <Alert
          variant={flow.refused.error.status === 409 ? 'warning' : 'danger'}
          isInline
          title={`The ${flow.refused.section} change was not accepted`}
          actionClose={<AlertActionCloseButton onClose={flow.dismiss} />}
          {...(flow.refused.error.status === 409
            ? {
                actionLinks: (
                  <Button variant="link" size="sm" isInline onClick={() => void query.refetch()}>
                    Reload
                  </Button>
                ),
              }
            : {})}
        >
          {flow.refused.error.message}
        </Alert>
      )}
      {/* Keyed by version: a reload or a save starts every section from what the VM now has. */}
      <Grid hasGutter>
        <GridItem xl={6}>
          <DetailsSection
            key={`details-${config.version}`}
            config={config}
            {...section('details')}
          />
        </GridItem>
        <GridItem xl={6}>
          <Stack hasGutter>
            <ComputeSection
              key={`compute-${config.version}`}
              cluster={cluster}
              config={config}
              {...section('compute')}
            />
            <InitialRunSection
              key={`initial-${config.version}`}
              cluster={cluster}
              config={config}
              {...section('initial-run')}
            />
          </Stack>
        </GridItem>
        <GridItem xl={6}>
          <DisksSection key={`disks-${config.version}`} config={config} {...section('disks')} />
        </GridItem>
        <GridItem xl={6}>
          <NetworkSection
            key={`network-${config.version}`}
            cluster={cluster}
            config={config}
            {...section('network')}
          />
        </GridItem>
      </Grid>
      {flow.dialog}
    </Stack>
  )
}
