import {
  Card,
  CardHeader,
  CardTitle,
  Content,
  Form,
  Gallery,
  NumberInput,
} from '@patternfly/react-core'
import { VmCpuCount } from '@vmdeck/shared'
import { FormField } from '../../../../../components/ui/form-field.tsx'
import { RadioChoice } from '../../../../../components/ui/radio-choice.tsx'
import { TextField } from '../../../../../components/ui/text-field.tsx'
import { rulesOf } from '../../../../../lib/schema-rules.ts'
import { instancetypeCatalog, type WizardState } from '../wizard-model.ts'
import { noSubmit, type StepProps } from './step-field.tsx'

const sizes: { value: WizardState['size']; label: string }[] = [
  { value: 'instancetype', label: 'An instance type' },
  { value: 'custom', label: 'Custom CPU and memory' },
]
const { minimum: minCpus = 1, maximum: maxCpus = 256 } = rulesOf(VmCpuCount)

/** An instance type, or vCPUs and memory by hand. */
export function SizeStep({ state, set, problems }: StepProps) {
  return (
    <Form onSubmit={noSubmit}>
      <RadioChoice
        name="size"
        label="Size"
        value={state.size}
        options={sizes}
        onChange={(size) => set({ size })}
        isInline
      />
      {state.size === 'instancetype' ? (
        <Gallery
          hasGutter
          minWidths={{ default: '160px' }}
          role="radiogroup"
          aria-label="Instance types"
        >
          {instancetypeCatalog.map((type) => (
            <Card
              key={type.name}
              isSelectable
              isSelected={state.instancetype === type.name}
              isCompact
              id={`it-${type.name}`}
            >
              <CardHeader
                selectableActions={{
                  selectableActionId: `instancetype-${type.name}`,
                  selectableActionAriaLabelledby: `it-title-${type.name} it-size-${type.name}`,
                  name: 'instancetype',
                  variant: 'single',
                  isChecked: state.instancetype === type.name,
                  onChange: () => set({ instancetype: type.name }),
                }}
              >
                <CardTitle id={`it-title-${type.name}`}>{type.name}</CardTitle>
                <Content component="small" id={`it-size-${type.name}`}>
                  {type.cpus} vCPU · {type.memory}
                </Content>
              </CardHeader>
            </Card>
          ))}
        </Gallery>
      ) : (
        <>
          <FormField id="vm-cpus" label="vCPU" problem={problems.cpus}>
            <NumberInput
              id="vm-cpus"
              value={state.cpus}
              min={minCpus}
              max={maxCpus}
              onMinus={() => set({ cpus: Math.max(minCpus, state.cpus - 1) })}
              onPlus={() => set({ cpus: Math.min(maxCpus, state.cpus + 1) })}
              onChange={(event) => set({ cpus: Number((event.target as HTMLInputElement).value) })}
              inputAriaLabel="vCPU"
              minusBtnAriaLabel="Fewer vCPUs"
              plusBtnAriaLabel="More vCPUs"
            />
          </FormField>
          <TextField
            id="vm-memory"
            label="Memory"
            value={state.memory}
            onChange={(memory) => set({ memory })}
            problem={problems.memory}
            hint="e.g. 2Gi, 512Mi"
            style={{ maxWidth: 160 }}
          />
        </>
      )}
    </Form>
  )
}
