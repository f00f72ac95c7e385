import { Flex, Label } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useQuery } from '@tanstack/react-query'
import type { VmDetail, VmSnapshot } from '@vmdeck/shared'
import { useCallback, useState } from 'react'
import { ConfirmDialog } from '../../../../components/ui/confirm-dialog.tsx'
import { ErrorAlert } from '../../../../components/ui/error-alert.tsx'
import type { Decision } from '../../../../lib/permissions.ts'
import { useDeleteSnapshot, usePowerAction, useRestoreSnapshot } from '../../api/vm-mutations.ts'
import { vmTabQueries } from '../../api/vm-tab-queries.ts'
import { RestoreDialog } from '../dialogs/restore-dialog.tsx'
import { ExplainedButton } from '../../../../components/ui/explained-button.tsx'

const phaseColor = { Succeeded: 'green', Failed: 'red', InProgress: 'blue' } as const

export function SnapshotsTab({
  cluster,
  vm,
  canTake,
  canRestore,
  onTake,
}: {
  cluster: string
  vm: VmDetail
  canTake: Decision
  canRestore: Decision
  onTake: () => void
}) {
  const ref = { namespace: vm.namespace, name: vm.name }
  const snapshots = useQuery({
    ...vmTabQueries.snapshots(cluster, ref),
    placeholderData: { items: vm.snapshots },
  })
  const power = usePowerAction(cluster)
  const restore = useRestoreSnapshot(cluster)
  const remove = useDeleteSnapshot(cluster)
  const [restoring, setRestoring] = useState<string>()
  const [deleting, setDeleting] = useState<string>()
  const doRestore = useCallback(() => {
    if (restoring) restore.mutate({ vm: ref, snapshot: restoring })
    setRestoring(undefined)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- ref is rebuilt from stable strings
  }, [restoring, restore.mutate, vm.namespace, vm.name])
  const items = [...(snapshots.data?.items ?? [])].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  )
  const restoreBlock = (snapshot: VmSnapshot) =>
    !canRestore.allowed
      ? canRestore.reason
      : !snapshot.readyToUse
        ? 'The snapshot is not ready yet.'
        : vm.restoreInProgress
          ? 'A restore is in progress.'
          : undefined
  return (
    <>
      <Flex style={{ marginBottom: 8 }}>
        <ExplainedButton
          blocked={!canTake.allowed}
          reason={canTake.reason}
          variant="primary"
          size="sm"
          onClick={onTake}
        >
          Take snapshot
        </ExplainedButton>
        {vm.snapshotInProgress && (
          <Label color="blue" isCompact>
            Snapshot {vm.snapshotInProgress} in progress
          </Label>
        )}
      </Flex>
      {snapshots.error && (
        <ErrorAlert error={snapshots.error} title="Snapshots could not be loaded" />
      )}
      <Table aria-label="Snapshots" variant="compact" className="vmdeck-table">
        <Thead>
          <Tr>
            <Th>Name</Th>
            <Th>Status</Th>
            <Th>Taken</Th>
            <Th>Notes</Th>
            <Th>Last restore</Th>
            <Th screenReaderText="Actions" />
          </Tr>
        </Thead>
        <Tbody>
          {items.map((snapshot) => {
            const block = restoreBlock(snapshot)
            return (
              <Tr key={snapshot.name} data-snapshot={snapshot.name}>
                <Td dataLabel="Name">{snapshot.name}</Td>
                <Td dataLabel="Status">
                  <Label
                    isCompact
                    color={phaseColor[snapshot.phase as keyof typeof phaseColor] ?? 'grey'}
                  >
                    {snapshot.readyToUse ? 'Ready' : snapshot.phase}
                  </Label>
                </Td>
                <Td dataLabel="Taken">
                  {new Date(snapshot.creationTime ?? snapshot.createdAt).toLocaleString()}
                </Td>
                <Td dataLabel="Notes">
                  {snapshot.error ?? (snapshot.indications.join(', ') || '—')}
                </Td>
                <Td dataLabel="Last restore">
                  {snapshot.restore
                    ? snapshot.restore.complete
                      ? `Restored ${snapshot.restore.restoreTime ? new Date(snapshot.restore.restoreTime).toLocaleString() : ''}`
                      : (snapshot.restore.error ?? 'Restoring…')
                    : '—'}
                </Td>
                <Td isActionCell>
                  <Flex gap={{ default: 'gapSm' }} flexWrap={{ default: 'nowrap' }}>
                    <ExplainedButton
                      blocked={Boolean(block)}
                      reason={block}
                      variant="secondary"
                      size="sm"
                      onClick={() => setRestoring(snapshot.name)}
                      aria-label={`Restore ${snapshot.name}`}
                    >
                      Restore
                    </ExplainedButton>
                    <ExplainedButton
                      blocked={!canTake.allowed}
                      reason={canTake.reason}
                      variant="link"
                      isDanger
                      size="sm"
                      onClick={() => setDeleting(snapshot.name)}
                      aria-label={`Delete ${snapshot.name}`}
                    >
                      Delete
                    </ExplainedButton>
                  </Flex>
                </Td>
              </Tr>
            )
          })}
          {items.length === 0 && (
            <Tr>
              <Td colSpan={6}>No snapshots of {vm.name} yet.</Td>
            </Tr>
          )}
        </Tbody>
      </Table>
      {restoring && (
        <RestoreDialog
          vmName={vm.name}
          snapshot={restoring}
          status={vm.status}
          onStop={() => power.mutate({ vm: ref, action: 'stop' })}
          onRestore={doRestore}
          onClose={() => setRestoring(undefined)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete snapshot ${deleting}?`}
          verb="Delete"
          danger
          onClose={() => setDeleting(undefined)}
          onConfirm={() => {
            remove.mutate({ vm: ref, snapshot: deleting })
            setDeleting(undefined)
          }}
        >
          The snapshot and its volume snapshots are deleted. The VM is not affected.
        </ConfirmDialog>
      )}
    </>
  )
}
