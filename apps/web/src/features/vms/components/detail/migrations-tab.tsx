import {
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Label,
  Progress,
  Title,
} from '@patternfly/react-core'
import type { VmDetail, VmMigration } from '@vmdeck/shared'
import type { Decision } from '../../../../lib/permissions.ts'
import { useCancelMigration } from '../../api/vm-mutations.ts'
import type { VmPanel } from '../../model/vm-panels.ts'
import { ExplainedButton } from '../../../../components/ui/explained-button.tsx'

export const migrationColor = (m: VmMigration) =>
  m.phase === 'Succeeded' ? 'green' : m.phase === 'Failed' ? 'red' : m.active ? 'blue' : 'grey'

/** The VM's latest migration with live progress; cancel while it runs. */
export function MigrationsTab({
  cluster,
  vm,
  canMigrate,
  ProgressChart,
}: {
  cluster: string
  vm: VmDetail
  canMigrate: Decision
  ProgressChart: VmPanel
}) {
  const cancel = useCancelMigration(cluster)
  const migration = vm.migration
  if (!migration)
    return <p className="vmdeck-muted">{vm.name} has not been migrated since it started.</p>
  return (
    <section aria-label="Latest migration">
      <Title headingLevel="h2" size="md" className="vmdeck-section-title">
        {migration.active ? 'Migration in progress' : 'Latest migration'}{' '}
        <Label isCompact color={migrationColor(migration)}>
          {migration.phase}
        </Label>
      </Title>
      <Progress
        value={migration.progress ?? (migration.phase === 'Succeeded' ? 100 : 0)}
        title={`${migration.sourceNode ?? '?'} → ${migration.targetNode ?? 'choosing a node'}`}
        aria-label="Migration progress"
        variant={
          migration.phase === 'Failed'
            ? 'danger'
            : migration.phase === 'Succeeded'
              ? 'success'
              : undefined
        }
        style={{ maxWidth: 640, marginBottom: 16 }}
      />
      <DescriptionList isCompact isHorizontal>
        <DescriptionListGroup>
          <DescriptionListTerm>Migration</DescriptionListTerm>
          <DescriptionListDescription>{migration.name}</DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Started by</DescriptionListTerm>
          <DescriptionListDescription>
            {migration.evacuation ? 'Node drain (eviction)' : 'A user'}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Started</DescriptionListTerm>
          <DescriptionListDescription>
            {new Date(migration.startedAt ?? migration.createdAt).toLocaleString()}
          </DescriptionListDescription>
        </DescriptionListGroup>
        {migration.endedAt && (
          <DescriptionListGroup>
            <DescriptionListTerm>Ended</DescriptionListTerm>
            <DescriptionListDescription>
              {new Date(migration.endedAt).toLocaleString()}
            </DescriptionListDescription>
          </DescriptionListGroup>
        )}
        {migration.failureReason && (
          <DescriptionListGroup>
            <DescriptionListTerm>Failure</DescriptionListTerm>
            <DescriptionListDescription>{migration.failureReason}</DescriptionListDescription>
          </DescriptionListGroup>
        )}
        {migration.abortStatus && (
          <DescriptionListGroup>
            <DescriptionListTerm>Cancellation</DescriptionListTerm>
            <DescriptionListDescription>{migration.abortStatus}</DescriptionListDescription>
          </DescriptionListGroup>
        )}
      </DescriptionList>
      <div style={{ marginTop: 16, maxWidth: 720 }}>
        <ProgressChart cluster={cluster} namespace={vm.namespace} name={vm.name} />
      </div>
      {migration.active && (
        <ExplainedButton
          blocked={!canMigrate.allowed}
          reason={canMigrate.reason}
          variant="danger"
          size="sm"
          style={{ marginTop: 16 }}
          isAriaDisabled={migration.abortRequested}
          onClick={() =>
            cancel.mutate({
              vm: { namespace: vm.namespace, name: vm.name },
              migration: migration.name,
            })
          }
        >
          Cancel migration
        </ExplainedButton>
      )}
    </section>
  )
}
