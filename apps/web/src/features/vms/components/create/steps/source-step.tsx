import { Card, CardHeader, CardTitle, Content, Form, Gallery } from '@patternfly/react-core'
import { RadioChoice } from '../../../../../components/ui/radio-choice.tsx'
import { TextField } from '../../../../../components/ui/text-field.tsx'
import { containerDiskCatalog, type WizardState } from '../wizard-model.ts'
import { noSubmit, type StepProps } from './step-field.tsx'
import { TemplateSource } from './template-source.tsx'

const sources: { value: WizardState['source']; label: string }[] = [
  { value: 'catalog', label: 'A container disk from the catalog' },
  { value: 'image', label: 'Another container disk image' },
  { value: 'url', label: 'Import a disk image from a URL (into a new DataVolume)' },
  { value: 'pvc', label: 'Clone an existing volume' },
  { value: 'template', label: 'From template' },
]

/** Where the root disk comes from: catalog, image, URL import, a cloned volume, or a template. */
export function SourceStep({ cluster, state, set, problems }: StepProps & { cluster: string }) {
  return (
    <Form onSubmit={noSubmit}>
      <RadioChoice
        name="source"
        label="Boot from"
        value={state.source}
        options={sources}
        onChange={(source) =>
          set(source === 'catalog' ? { source, image: containerDiskCatalog[0]!.image } : { source })
        }
      />
      {state.source === 'catalog' && (
        <Gallery hasGutter minWidths={{ default: '200px' }} role="radiogroup" aria-label="Catalog">
          {containerDiskCatalog.map((entry) => (
            <Card
              key={entry.image}
              isSelectable
              isSelected={state.image === entry.image}
              isCompact
              id={`catalog-${entry.label}`}
            >
              <CardHeader
                selectableActions={{
                  selectableActionId: `catalog-${entry.image}`,
                  // PatternFly drops aria-label on these radios; labelledby survives.
                  selectableActionAriaLabelledby: `catalog-title-${entry.label.replace(/\W+/g, '-')}`,
                  name: 'catalog',
                  variant: 'single',
                  isChecked: state.image === entry.image,
                  onChange: () => set({ image: entry.image, user: entry.user }),
                }}
              >
                <CardTitle id={`catalog-title-${entry.label.replace(/\W+/g, '-')}`}>
                  {entry.label}
                </CardTitle>
                <Content component="small" className="vmdeck-muted">
                  {entry.image}
                </Content>
              </CardHeader>
            </Card>
          ))}
        </Gallery>
      )}
      {state.source === 'template' && (
        <TemplateSource cluster={cluster} state={state} set={set} problems={problems} />
      )}
      {state.source === 'image' && (
        <TextField
          id="vm-image"
          label="Image"
          value={state.image}
          onChange={(image) => set({ image })}
          problem={problems.image}
          hint="The disk is ephemeral: changes are lost when the VM stops."
        />
      )}
      {state.source === 'url' && (
        <TextField
          id="vm-url"
          label="Image URL"
          type="url"
          value={state.url}
          onChange={(url) => set({ url })}
          problem={problems.url}
          hint="CDI downloads it into the VM's namespace; the VM shows Provisioning until the import finishes."
          isRequired
        />
      )}
      {state.source === 'pvc' && (
        <>
          <TextField
            id="vm-pvc"
            label="Volume claim to clone"
            value={state.pvcName}
            onChange={(pvcName) => set({ pvcName })}
            problem={problems.pvcName}
            isRequired
          />
          <TextField
            id="vm-pvc-namespace"
            label="Its namespace"
            value={state.pvcNamespace}
            onChange={(pvcNamespace) => set({ pvcNamespace })}
            hint="Cloning across namespaces needs permission to clone from the source."
          />
        </>
      )}
      {(state.source === 'url' || state.source === 'pvc') && (
        <TextField
          id="vm-disk-size"
          label="Disk size"
          value={state.diskSize}
          onChange={(diskSize) => set({ diskSize })}
          problem={problems.diskSize}
          isRequired
        />
      )}
    </Form>
  )
}
