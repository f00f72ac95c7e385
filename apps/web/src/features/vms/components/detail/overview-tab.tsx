import {
  Alert,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Grid,
  GridItem,
  Label,
  LabelGroup,
  Title,
} from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import type { VmCondition, VmDetail } from '@vmdeck/shared'
import type { ReactNode } from 'react'
import { VmStatusLabel } from '../vm-status-label.tsx'

/** KubeVirt conditions as a sentence an admin reads without the API reference. */
export function conditionInWords(condition: VmCondition): string {
  const on = condition.status === 'True'
  const detail = condition.message || condition.reason
  switch (condition.type) {
    case 'Ready':
      return on ? 'The VM is ready.' : `The VM is not ready${detail ? `: ${detail}` : '.'}`
    case 'LiveMigratable':
      return on
        ? 'The VM can be live-migrated.'
        : `The VM cannot be live-migrated${detail ? `: ${detail}` : '.'}`
    case 'AgentConnected':
      return on ? 'The guest agent is connected.' : 'The guest agent is not connected.'
    case 'Paused':
      return on ? 'The VM is paused.' : 'The VM is not paused.'
    case 'RestartRequired':
      return on ? 'A configuration change takes effect after a restart.' : 'No restart pending.'
    case 'Failure':
      return on ? `The VM failed${detail ? `: ${detail}` : '.'}` : 'No failure.'
    case 'Provisioning':
      return on ? `Disks are being prepared${detail ? `: ${detail}` : '.'}` : 'Disks are ready.'
    case 'StorageLiveMigratable':
      return on
        ? 'Its storage can be live-migrated.'
        : `Its storage cannot be live-migrated${detail ? `: ${detail}` : '.'}`
    default:
      return `${condition.type}: ${condition.status}${detail ? ` (${detail})` : ''}`
  }
}

const item = (term: string, value: ReactNode) => (
  <DescriptionListGroup key={term}>
    <DescriptionListTerm>{term}</DescriptionListTerm>
    <DescriptionListDescription>{value ?? '—'}</DescriptionListDescription>
  </DescriptionListGroup>
)

export function OverviewTab({ vm }: { vm: VmDetail }) {
  const os = vm.guest?.osPrettyName ?? vm.os
  const labels = Object.entries(vm.labels)
  return (
    <Grid hasGutter>
      {vm.restartRequired && (
        <GridItem span={12}>
          <Alert variant="info" isInline title="Restart required">
            A change to this VM takes effect after its next restart.
          </Alert>
        </GridItem>
      )}
      <GridItem md={6}>
        <Title headingLevel="h2" size="md" className="vmdeck-section-title">
          Details
        </Title>
        <DescriptionList isCompact isHorizontal>
          {item('Status', <VmStatusLabel status={vm.status} />)}
          {item('Node', vm.node)}
          {item('IP addresses', vm.ips.length ? vm.ips.join(', ') : undefined)}
          {item('Operating system', os)}
          {item('Hostname', vm.guest?.hostname)}
          {item('Kernel', vm.guest?.kernelRelease)}
          {item('vCPU', vm.cpus)}
          {item('Memory', vm.memory)}
          {item('Instance type', vm.instancetype)}
          {item('Preference', vm.preference)}
          {item('Run strategy', vm.runStrategy)}
          {item('Eviction strategy', vm.evictionStrategy)}
          {item('Guest agent', vm.flags.agentConnected ? 'Connected' : 'Not connected')}
          {item('Created', new Date(vm.createdAt).toLocaleString())}
        </DescriptionList>
      </GridItem>
      <GridItem md={6}>
        <Title headingLevel="h2" size="md" className="vmdeck-section-title">
          Labels
        </Title>
        {labels.length ? (
          <LabelGroup numLabels={12}>
            {labels.map(([key, value]) => (
              <Label key={key} isCompact variant="outline">
                {key}={value}
              </Label>
            ))}
          </LabelGroup>
        ) : (
          <p className="vmdeck-muted">No labels.</p>
        )}
        <Title
          headingLevel="h2"
          size="md"
          className="vmdeck-section-title"
          style={{ marginTop: 16 }}
        >
          Conditions
        </Title>
        {vm.conditions.length ? (
          <Table aria-label="Conditions" variant="compact" className="vmdeck-table">
            <Thead>
              <Tr>
                <Th>Condition</Th>
                <Th>Since</Th>
              </Tr>
            </Thead>
            <Tbody>
              {vm.conditions.map((condition) => (
                <Tr key={`${condition.source}/${condition.type}`}>
                  <Td dataLabel="Condition">{conditionInWords(condition)}</Td>
                  <Td dataLabel="Since">
                    {condition.lastTransitionTime
                      ? new Date(condition.lastTransitionTime).toLocaleString()
                      : '—'}
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        ) : (
          <p className="vmdeck-muted">No conditions reported.</p>
        )}
      </GridItem>
    </Grid>
  )
}
