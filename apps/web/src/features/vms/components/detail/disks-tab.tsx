import { Title } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import type { VmDetail } from '@vmdeck/shared'

const sourceText: Record<string, string> = {
  containerDisk: 'Container image',
  dataVolume: 'DataVolume',
  persistentVolumeClaim: 'Volume claim',
  cloudInitNoCloud: 'cloud-init (NoCloud)',
  cloudInitConfigDrive: 'cloud-init (ConfigDrive)',
  emptyDisk: 'Empty disk',
  ephemeral: 'Ephemeral',
  other: 'Other',
}

export function DisksTab({ vm }: { vm: VmDetail }) {
  return (
    <>
      <Title headingLevel="h2" size="md" className="vmdeck-section-title">
        Disks
      </Title>
      <Table aria-label="Disks" variant="compact" className="vmdeck-table">
        <Thead>
          <Tr>
            <Th>Name</Th>
            <Th>Type</Th>
            <Th>Source</Th>
            <Th>Size</Th>
            <Th>Bus</Th>
            <Th>Boot order</Th>
            <Th>Owned by the VM</Th>
          </Tr>
        </Thead>
        <Tbody>
          {vm.disks.map((disk) => (
            <Tr key={disk.name}>
              <Td dataLabel="Name">{disk.name}</Td>
              <Td dataLabel="Type">{disk.type}</Td>
              <Td dataLabel="Source">
                {sourceText[disk.source.kind] ?? disk.source.kind}
                {disk.source.ref && <span className="vmdeck-muted"> {disk.source.ref}</span>}
              </Td>
              <Td dataLabel="Size">{disk.size ?? '—'}</Td>
              <Td dataLabel="Bus">{disk.bus ?? '—'}</Td>
              <Td dataLabel="Boot order">{disk.bootOrder ?? '—'}</Td>
              <Td dataLabel="Owned by the VM">{disk.owned ? 'Yes' : 'No'}</Td>
            </Tr>
          ))}
          {vm.disks.length === 0 && (
            <Tr>
              <Td colSpan={7}>No disks.</Td>
            </Tr>
          )}
        </Tbody>
      </Table>
      <Title headingLevel="h2" size="md" className="vmdeck-section-title" style={{ marginTop: 24 }}>
        Network interfaces
      </Title>
      <Table aria-label="Network interfaces" variant="compact" className="vmdeck-table">
        <Thead>
          <Tr>
            <Th>Name</Th>
            <Th>Network</Th>
            <Th>Binding</Th>
            <Th>Model</Th>
            <Th>MAC address</Th>
            <Th>IP addresses</Th>
            <Th>In the guest</Th>
          </Tr>
        </Thead>
        <Tbody>
          {vm.nics.map((nic) => (
            <Tr key={nic.name}>
              <Td dataLabel="Name">{nic.name}</Td>
              <Td dataLabel="Network">
                {nic.network === 'pod' ? 'Pod network' : (nic.networkName ?? nic.network)}
              </Td>
              <Td dataLabel="Binding">{nic.binding ?? '—'}</Td>
              <Td dataLabel="Model">{nic.model ?? '—'}</Td>
              <Td dataLabel="MAC address">{nic.mac ?? '—'}</Td>
              <Td dataLabel="IP addresses">{nic.ips.length ? nic.ips.join(', ') : '—'}</Td>
              <Td dataLabel="In the guest">{nic.interfaceName ?? '—'}</Td>
            </Tr>
          ))}
          {vm.nics.length === 0 && (
            <Tr>
              <Td colSpan={7}>No network interfaces.</Td>
            </Tr>
          )}
        </Tbody>
      </Table>
    </>
  )
}
