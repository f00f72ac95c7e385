import { Alert, Button, Flex, FlexItem, Label, TextInput } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useMutation } from '@tanstack/react-query'
import type { RebalancePlan, RebalanceRequest } from '@vmdeck/shared'
import { useState } from 'react'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { api } from '../../../lib/api-client.ts'
import { clusterPath } from '../../../lib/cluster-queries.ts'
import { formatBytes } from '../../../lib/format.ts'
import { useRebalanceRun, type MoveState } from '../api/use-rebalance-run.ts'

const stateColors: Record<MoveState, 'grey' | 'blue' | 'green' | 'red'> = {
  waiting: 'grey',
  migrating: 'blue',
  done: 'green',
  failed: 'red',
  skipped: 'grey',
}

function NumberField(props: { label: string; value: number; onChange: (value: number) => void }) {
  return (
    <FlexItem>
      <label>
        {props.label}{' '}
        <TextInput
          type="number"
          aria-label={props.label}
          value={props.value}
          onChange={(_event, value) => props.onChange(Number(value))}
          style={{ width: 80 }}
        />
      </label>
    </FlexItem>
  )
}

/**
 * Rebalancing: a dry-run plan of live migrations that bring every node into a utilisation band,
 * then (on request) the plan executed one migration at a time, stoppable at any point.
 */
export function RebalanceView({ cluster }: { cluster: string }) {
  const [band, setBand] = useState<RebalanceRequest>({
    low: 20,
    high: 70,
    maxParallel: 2,
    maxPerNode: 1,
  })
  const plan = useMutation({
    mutationFn: (request: RebalanceRequest) =>
      api.post<RebalancePlan>(`${clusterPath(cluster)}/insight/rebalance`, request),
  })
  const execution = useRebalanceRun(cluster)
  const data = plan.data
  return (
    <>
      <p className="vmdeck-muted" style={{ marginBottom: 8 }}>
        Utilisation is the larger of the CPU and memory a node&apos;s pods request, of what it can
        allocate. The plan is a dry run: nothing moves until you execute it.
      </p>
      <Flex alignItems={{ default: 'alignItemsFlexEnd' }} style={{ marginBottom: 12 }}>
        <NumberField label="Low %" value={band.low} onChange={(low) => setBand({ ...band, low })} />
        <NumberField
          label="High %"
          value={band.high}
          onChange={(high) => setBand({ ...band, high })}
        />
        <NumberField
          label="Migrations at once"
          value={band.maxParallel ?? 2}
          onChange={(maxParallel) => setBand({ ...band, maxParallel })}
        />
        <NumberField
          label="Per node"
          value={band.maxPerNode ?? 1}
          onChange={(maxPerNode) => setBand({ ...band, maxPerNode })}
        />
        <FlexItem>
          <Button variant="secondary" isLoading={plan.isPending} onClick={() => plan.mutate(band)}>
            Plan (dry run)
          </Button>
        </FlexItem>
        {data && data.moves.length > 0 && (
          <FlexItem>
            {execution.running ? (
              <Button variant="danger" onClick={() => void execution.stop()}>
                Stop
              </Button>
            ) : (
              <Button variant="primary" onClick={() => void execution.run(data.moves)}>
                Execute {data.moves.length} migration(s)
              </Button>
            )}
          </FlexItem>
        )}
      </Flex>
      {plan.error && <ErrorAlert error={plan.error} title="No plan could be made" />}
      {data && (
        <>
          <Alert
            variant={data.unresolved.length ? 'warning' : 'success'}
            isInline
            title={
              data.moves.length === 0 && data.unresolved.length === 0
                ? `Every node is within ${data.low}–${data.high}%: nothing to move.`
                : `${data.moves.length} migration(s) proposed`
            }
            style={{ marginBottom: 12 }}
          >
            {data.unresolved.map((line) => (
              <div key={line}>{line}</div>
            ))}
          </Alert>
          <Table aria-label="Node utilisation before and after" variant="compact">
            <Thead>
              <Tr>
                <Th>Node</Th>
                <Th>Requested now</Th>
                <Th>After the plan</Th>
                <Th>Memory in use</Th>
              </Tr>
            </Thead>
            <Tbody>
              {data.nodes.map((n) => (
                <Tr key={n.name}>
                  <Td dataLabel="Node">{n.name}</Td>
                  <Td dataLabel="Requested now">{Math.round(n.before)}%</Td>
                  <Td dataLabel="After the plan">
                    {Math.round(n.after)}% {n.withinBand ? '' : '(outside the band)'}
                  </Td>
                  <Td dataLabel="Memory in use">
                    {n.actualMemory === undefined ? '—' : `${Math.round(n.actualMemory)}%`}
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
          {data.moves.length > 0 && (
            <Table aria-label="Proposed migrations" variant="compact" style={{ marginTop: 12 }}>
              <Thead>
                <Tr>
                  <Th>Wave</Th>
                  <Th>VM</Th>
                  <Th>From → to</Th>
                  <Th>Why</Th>
                  <Th>State</Th>
                </Tr>
              </Thead>
              <Tbody>
                {data.moves.map((m) => {
                  const state = execution.states[`${m.namespace}/${m.name}`] ?? 'waiting'
                  return (
                    <Tr key={`${m.namespace}/${m.name}`} data-vm={m.name}>
                      <Td dataLabel="Wave">{m.wave + 1}</Td>
                      <Td dataLabel="VM">
                        {m.name} <span className="vmdeck-muted">{m.namespace}</span>{' '}
                        <span className="vmdeck-muted">({formatBytes(m.requests.memory)})</span>
                      </Td>
                      <Td dataLabel="From → to">
                        {m.from} → {m.to}
                      </Td>
                      <Td dataLabel="Why">{m.reason}</Td>
                      <Td dataLabel="State">
                        <Label isCompact color={stateColors[state]}>
                          {state}
                        </Label>
                      </Td>
                    </Tr>
                  )
                })}
              </Tbody>
            </Table>
          )}
        </>
      )}
    </>
  )
}
