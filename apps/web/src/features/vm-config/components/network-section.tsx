import { FormSelect, FormSelectOption } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { FormField } from '../../../components/ui/form-field.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { vmConfigQueries } from '../api/vm-config-api.ts'
import { macProblem, nameProblem } from '../model/validation.ts'
import { RemoveButton, SectionCard } from './section-card.tsx'
import type { SectionProps } from './use-section-change.tsx'
import { VlanNetworkForm } from './vlan-network-form.tsx'

const POD = '(pod network)'

/** The network cards with model, MAC, binding and network; add one on a NAD, remove one. */
export function NetworkSection({
  cluster,
  config,
  reviewing,
  onReview,
}: SectionProps & { cluster: string }) {
  const { interfaces, editable } = config
  const [name, setName] = useState('')
  const [network, setNetwork] = useState('')
  const [model, setModel] = useState('virtio')
  const [mac, setMac] = useState('')
  const networks = useQuery(vmConfigQueries.networks(cluster, config.namespace))
  const onPod = interfaces.some((i) => i.networkType === 'pod')
  const nameIssue = nameProblem(
    name,
    interfaces.map((i) => i.name),
    'network card',
  )
  const macIssue = macProblem(mac, interfaces)
  return (
    <SectionCard
      title="Network"
      editable={editable}
      canReview={!nameIssue && !macIssue && Boolean(network)}
      reviewing={reviewing}
      onReview={() =>
        onReview('network', {
          op: 'add',
          name,
          model,
          ...(mac ? { macAddress: mac } : {}),
          network: network === POD ? { type: 'pod' } : { type: 'multus', networkName: network },
        })
      }
      extra={
        <Table aria-label="Network card list" variant="compact" style={{ marginBottom: 12 }}>
          <Thead>
            <Tr>
              <Th>Name</Th>
              <Th>Model</Th>
              <Th>MAC</Th>
              <Th>Binding</Th>
              <Th>Network</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {interfaces.map((i) => (
              <Tr key={i.name}>
                <Td dataLabel="Name">{i.name}</Td>
                <Td dataLabel="Model">{i.model ?? 'virtio'}</Td>
                <Td dataLabel="MAC">{i.macAddress ?? 'assigned at start'}</Td>
                <Td dataLabel="Binding">{i.binding}</Td>
                <Td dataLabel="Network">
                  {i.network}
                  {i.state === 'absent' ? ' (being unplugged)' : ''}
                </Td>
                <Td isActionCell>
                  {editable && (
                    <RemoveButton
                      name={i.name}
                      onClick={() => onReview('network', { op: 'remove', name: i.name })}
                    />
                  )}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      }
    >
      <TextField
        id="cfg-nic-name"
        label="New card"
        value={name}
        onChange={setName}
        problem={name ? nameIssue : undefined}
      />
      <FormField id="cfg-nic-network" label="Network">
        <FormSelect id="cfg-nic-network" value={network} onChange={(_e, v) => setNetwork(v)}>
          <FormSelectOption value="" label="Pick one" isPlaceholder />
          {!onPod && <FormSelectOption value={POD} label="Pod network (masquerade)" />}
          {(networks.data?.items ?? []).map((n) => (
            <FormSelectOption
              key={n.name}
              value={n.name}
              label={`${n.name}${n.vlan ? ` · VLAN ${n.vlan}` : ''} (bridge)`}
            />
          ))}
        </FormSelect>
      </FormField>
      <FormField id="cfg-nic-model" label="Model">
        <FormSelect id="cfg-nic-model" value={model} onChange={(_e, v) => setModel(v)}>
          {['virtio', 'e1000e', 'e1000', 'rtl8139'].map((m) => (
            <FormSelectOption key={m} value={m} label={m} />
          ))}
        </FormSelect>
      </FormField>
      <TextField
        id="cfg-nic-mac"
        label="MAC address"
        value={mac}
        onChange={setMac}
        problem={macIssue}
        hint="Empty: KubeVirt assigns one."
      />
      {editable && <VlanNetworkForm cluster={cluster} namespace={config.namespace} />}
    </SectionCard>
  )
}
