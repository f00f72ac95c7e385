import { Alert, List, ListItem, Skeleton, Title } from '@patternfly/react-core'
import type { UseQueryResult } from '@tanstack/react-query'
import type { MaintenancePlan } from '@vmdeck/shared'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { WhatIfTable } from './what-if-table.tsx'

/** The what-if of maintenance on some nodes: each VM's fate, hidden VMs, N-1 after, caveats. */
export function WhatIfSummary({ plan }: { plan: UseQueryResult<MaintenancePlan> }) {
  const vms = plan.data?.vms ?? []
  const movers = vms.filter((vm) => vm.effect === 'migrates').length
  const stuck = vms.length - movers
  const where = plan.data?.nodes.join(', ') ?? ''
  return (
    <>
      {plan.error && <ErrorAlert error={plan.error} title="The what-if could not be computed" />}
      {plan.isPending && <Skeleton screenreaderText="Working out where the VMs would go" />}
      {plan.data && vms.length === 0 && <p>No VM you may see runs on {where}.</p>}
      {plan.data && (
        <>
          {stuck > 0 && (
            <Alert
              variant="warning"
              isInline
              title={`${stuck} of ${vms.length} VM(s) will not simply move`}
              style={{ marginBottom: 12 }}
            />
          )}
          {movers > 0 && (
            <Title headingLevel="h3" size="md">
              {movers} will live-migrate
            </Title>
          )}
          {vms.length > 0 && <WhatIfTable vms={vms} />}
          {plan.data.hiddenVms > 0 && (
            <p className="vmdeck-muted">
              {plan.data.hiddenVms} more VM(s) on {where} are in namespaces you may not see.
            </p>
          )}
          {plan.data.headroom && (
            <Alert
              variant={plan.data.headroom.survives ? 'info' : 'danger'}
              isInline
              isPlain
              title={`Afterwards (N-1): ${plan.data.headroom.message}`}
              style={{ marginTop: 12 }}
            />
          )}
          <List isPlain className="vmdeck-muted" style={{ marginTop: 12, fontSize: 'small' }}>
            {plan.data.caveats.map((caveat) => (
              <ListItem key={caveat}>{caveat}</ListItem>
            ))}
          </List>
        </>
      )}
    </>
  )
}
