import { Button, FormSelect, FormSelectOption } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useState } from 'react'
import { FormField } from '../../../components/ui/form-field.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { nameProblem, sizeProblem } from '../model/validation.ts'
import { RemoveButton, SectionCard } from './section-card.tsx'
import type { SectionProps } from './use-section-change.tsx'

type SourceType = 'blank' | 'pvc' | 'clone-pvc' | 'clone-dataSource' | 'cdrom'

/** The disks with their bus, source and size; add one, remove one, insert or eject an ISO. */
export function DisksSection({ config, reviewing, onReview }: SectionProps) {
  const { disks, editable } = config
  const [name, setName] = useState('')
  const [bus, setBus] = useState('virtio')
  const [type, setType] = useState<SourceType>('blank')
  const [size, setSize] = useState('1Gi')
  const [source, setSource] = useState('')
  const [storageClass, setStorageClass] = useState('')
  const cdromNames = disks.filter((d) => d.type === 'cdrom').map((d) => d.name)
  const nameIssue = nameProblem(
    name,
    type === 'cdrom'
      ? disks.filter((d) => d.type !== 'cdrom').map((d) => d.name)
      : disks.map((d) => d.name),
    type === 'cdrom' ? 'disk' : 'disk',
  )
  const sizeIssue = type === 'blank' || type.startsWith('clone') ? sizeProblem(size) : undefined
  const sourceIssue =
    type === 'blank' || source ? undefined : 'Name the PVC, DataVolume or DataSource.'
  const change = () => {
    if (type === 'cdrom') return { op: 'insert-cdrom', name, claimName: source }
    const from =
      type === 'blank'
        ? { type: 'blank', size, ...(storageClass ? { storageClass } : {}) }
        : type === 'pvc'
          ? { type: 'pvc', claimName: source }
          : {
              type: 'clone',
              from: type === 'clone-pvc' ? 'pvc' : 'dataSource',
              name: source,
              size,
              ...(storageClass ? { storageClass } : {}),
            }
    return { op: 'add', name, bus, source: from }
  }
  return (
    <SectionCard
      title="Disks"
      editable={editable}
      canReview={!nameIssue && !sizeIssue && !sourceIssue}
      reviewing={reviewing}
      onReview={() => onReview('disks', change())}
      extra={
        <Table aria-label="Disk list" variant="compact" style={{ marginBottom: 12 }}>
          <Thead>
            <Tr>
              <Th>Name</Th>
              <Th>Type</Th>
              <Th>Bus</Th>
              <Th>Source</Th>
              <Th>Size</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {disks.map((d) => (
              <Tr key={d.name}>
                <Td dataLabel="Name">
                  {d.name}
                  {d.bootOrder !== undefined && (
                    <span className="vmdeck-muted"> · boot {d.bootOrder}</span>
                  )}
                </Td>
                <Td dataLabel="Type">{d.type === 'cdrom' ? 'CD-ROM' : d.type}</Td>
                <Td dataLabel="Bus">{d.bus ?? '—'}</Td>
                <Td dataLabel="Source" modifier="breakWord">
                  {d.sourceKind
                    ? `${d.sourceKind}${d.sourceName ? `: ${d.sourceName}` : ''}`
                    : 'empty'}
                  {d.hotpluggable ? ' (hot-plugged)' : ''}
                </Td>
                <Td dataLabel="Size">{d.size ?? '—'}</Td>
                <Td isActionCell>
                  {editable && d.type === 'cdrom' && d.sourceKind && (
                    <Button
                      variant="link"
                      size="sm"
                      onClick={() => onReview('disks', { op: 'eject-cdrom', name: d.name })}
                    >
                      Eject
                    </Button>
                  )}
                  {editable && (
                    <RemoveButton
                      name={d.name}
                      onClick={() => onReview('disks', { op: 'remove', name: d.name })}
                    />
                  )}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      }
    >
      <FormField id="cfg-disk-type" label="Add">
        <FormSelect id="cfg-disk-type" value={type} onChange={(_e, v) => setType(v as SourceType)}>
          <FormSelectOption value="blank" label="A blank disk" />
          <FormSelectOption value="pvc" label="An existing PVC" />
          <FormSelectOption value="clone-pvc" label="A clone of a PVC" />
          <FormSelectOption
            value="clone-dataSource"
            label="A clone of a DataSource (golden image)"
          />
          <FormSelectOption value="cdrom" label="An ISO in a CD-ROM drive" />
        </FormSelect>
      </FormField>
      <TextField
        id="cfg-disk-name"
        label={type === 'cdrom' ? 'Drive' : 'Disk name'}
        value={name}
        onChange={setName}
        problem={name ? nameIssue : undefined}
        {...(type === 'cdrom' && cdromNames.length
          ? { hint: `Drives: ${cdromNames.join(', ')}` }
          : {})}
      />
      {type !== 'blank' && (
        <TextField
          id="cfg-disk-source"
          label={type === 'clone-dataSource' ? 'DataSource' : 'PVC or DataVolume'}
          value={source}
          onChange={setSource}
          problem={sourceIssue && source ? sourceIssue : undefined}
        />
      )}
      {type !== 'cdrom' && (
        <FormField id="cfg-disk-bus" label="Bus">
          <FormSelect id="cfg-disk-bus" value={bus} onChange={(_e, v) => setBus(v)}>
            {['virtio', 'sata', 'scsi'].map((b) => (
              <FormSelectOption key={b} value={b} label={b} />
            ))}
          </FormSelect>
        </FormField>
      )}
      {(type === 'blank' || type.startsWith('clone')) && (
        <>
          <TextField
            id="cfg-disk-size"
            label="Size"
            value={size}
            onChange={setSize}
            problem={sizeIssue}
          />
          <TextField
            id="cfg-disk-class"
            label="Storage class"
            value={storageClass}
            onChange={setStorageClass}
            hint="Empty: the cluster's default."
          />
        </>
      )}
    </SectionCard>
  )
}
