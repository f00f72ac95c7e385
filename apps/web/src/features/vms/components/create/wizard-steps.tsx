import {
  Button,
  Card,
  CardHeader,
  CardTitle,
  Checkbox,
  Content,
  Form,
  FormGroup,
  FormHelperText,
  Gallery,
  HelperText,
  HelperTextItem,
  NumberInput,
  Radio,
  TextArea,
  TextInput,
} from '@patternfly/react-core'
import TrashIcon from '@patternfly/react-icons/dist/esm/icons/trash-icon'
import type { ReactNode } from 'react'
import { NamespacePicker } from '../../../../components/ui/namespace-picker.tsx'
import { NameField } from '../dialogs/name-field.tsx'
import { containerDiskCatalog, instancetypeCatalog, type WizardState } from './wizard-model.ts'

export type StepProps = {
  state: WizardState
  set: (patch: Partial<WizardState>) => void
  problems: Record<string, string>
}

function Field({
  id,
  label,
  problem,
  hint,
  children,
  isRequired,
}: {
  id: string
  label: string
  problem?: string | undefined
  hint?: string
  children: ReactNode
  isRequired?: boolean
}) {
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired ?? false}>
      {children}
      {(problem || hint) && (
        <FormHelperText>
          <HelperText>
            <HelperTextItem variant={problem ? 'error' : 'default'}>
              {problem ?? hint}
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
    </FormGroup>
  )
}

const noSubmit = (event: React.FormEvent) => event.preventDefault()

export function BasicsStep({
  state,
  set,
  problems,
  namespaces,
  taken,
}: StepProps & { namespaces: string[]; taken: string | undefined }) {
  return (
    <Form onSubmit={noSubmit} style={{ maxWidth: 560 }}>
      <NameField
        id="vm-name"
        label="Name"
        value={state.name}
        onChange={(name) => set({ name })}
        problem={taken}
      />
      <FormGroup label="Namespace" fieldId="vm-namespace" isRequired>
        <NamespacePicker
          label="Namespace"
          value={state.namespace}
          known={namespaces}
          onChange={(namespace) => set({ namespace, pvcNamespace: namespace })}
          width={300}
        />
        {problems.namespace && (
          <FormHelperText>
            <HelperText>
              <HelperTextItem variant="error">{problems.namespace}</HelperTextItem>
            </HelperText>
          </FormHelperText>
        )}
      </FormGroup>
    </Form>
  )
}

export function SourceStep({ state, set, problems }: StepProps) {
  return (
    <Form onSubmit={noSubmit}>
      <FormGroup role="radiogroup" label="Boot from" fieldId="source" isStack>
        <Radio
          id="source-catalog"
          name="source"
          label="A container disk from the catalog"
          isChecked={state.source === 'catalog'}
          onChange={() => set({ source: 'catalog', image: containerDiskCatalog[0]!.image })}
        />
        <Radio
          id="source-image"
          name="source"
          label="Another container disk image"
          isChecked={state.source === 'image'}
          onChange={() => set({ source: 'image' })}
        />
        <Radio
          id="source-url"
          name="source"
          label="Import a disk image from a URL (into a new DataVolume)"
          isChecked={state.source === 'url'}
          onChange={() => set({ source: 'url' })}
        />
        <Radio
          id="source-pvc"
          name="source"
          label="Clone an existing volume"
          isChecked={state.source === 'pvc'}
          onChange={() => set({ source: 'pvc' })}
        />
      </FormGroup>
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
      {state.source === 'image' && (
        <Field
          id="vm-image"
          label="Image"
          problem={problems.image}
          hint="The disk is ephemeral: changes are lost when the VM stops."
        >
          <TextInput
            id="vm-image"
            value={state.image}
            onChange={(_e, image) => set({ image })}
            validated={problems.image ? 'error' : 'default'}
          />
        </Field>
      )}
      {state.source === 'url' && (
        <>
          <Field
            id="vm-url"
            label="Image URL"
            problem={problems.url}
            hint="CDI downloads it into the VM's namespace; the VM shows Provisioning until the import finishes."
            isRequired
          >
            <TextInput
              id="vm-url"
              type="url"
              value={state.url}
              onChange={(_e, url) => set({ url })}
              validated={problems.url ? 'error' : 'default'}
            />
          </Field>
          <Field id="vm-disk-size" label="Disk size" problem={problems.diskSize} isRequired>
            <TextInput
              id="vm-disk-size"
              value={state.diskSize}
              onChange={(_e, diskSize) => set({ diskSize })}
              validated={problems.diskSize ? 'error' : 'default'}
            />
          </Field>
        </>
      )}
      {state.source === 'pvc' && (
        <>
          <Field id="vm-pvc" label="Volume claim to clone" problem={problems.pvcName} isRequired>
            <TextInput
              id="vm-pvc"
              value={state.pvcName}
              onChange={(_e, pvcName) => set({ pvcName })}
              validated={problems.pvcName ? 'error' : 'default'}
            />
          </Field>
          <Field
            id="vm-pvc-namespace"
            label="Its namespace"
            hint="Cloning across namespaces needs permission to clone from the source."
          >
            <TextInput
              id="vm-pvc-namespace"
              value={state.pvcNamespace}
              onChange={(_e, pvcNamespace) => set({ pvcNamespace })}
            />
          </Field>
          <Field id="vm-disk-size" label="Disk size" problem={problems.diskSize} isRequired>
            <TextInput
              id="vm-disk-size"
              value={state.diskSize}
              onChange={(_e, diskSize) => set({ diskSize })}
              validated={problems.diskSize ? 'error' : 'default'}
            />
          </Field>
        </>
      )}
    </Form>
  )
}

export function SizeStep({ state, set, problems }: StepProps) {
  return (
    <Form onSubmit={noSubmit}>
      <FormGroup role="radiogroup" label="Size" fieldId="size" isInline>
        <Radio
          id="size-instancetype"
          name="size"
          label="An instance type"
          isChecked={state.size === 'instancetype'}
          onChange={() => set({ size: 'instancetype' })}
        />
        <Radio
          id="size-custom"
          name="size"
          label="Custom CPU and memory"
          isChecked={state.size === 'custom'}
          onChange={() => set({ size: 'custom' })}
        />
      </FormGroup>
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
          <Field id="vm-cpus" label="vCPU" problem={problems.cpus}>
            <NumberInput
              id="vm-cpus"
              value={state.cpus}
              min={1}
              max={256}
              onMinus={() => set({ cpus: Math.max(1, state.cpus - 1) })}
              onPlus={() => set({ cpus: Math.min(256, state.cpus + 1) })}
              onChange={(event) => set({ cpus: Number((event.target as HTMLInputElement).value) })}
              inputAria-label="vCPU"
              minusBtnAriaLabel="Fewer vCPUs"
              plusBtnAriaLabel="More vCPUs"
            />
          </Field>
          <Field id="vm-memory" label="Memory" problem={problems.memory} hint="e.g. 2Gi, 512Mi">
            <TextInput
              id="vm-memory"
              value={state.memory}
              onChange={(_e, memory) => set({ memory })}
              validated={problems.memory ? 'error' : 'default'}
              style={{ maxWidth: 160 }}
            />
          </Field>
        </>
      )}
    </Form>
  )
}

export function NetworksStep({ state, set, problems }: StepProps) {
  return (
    <Form onSubmit={noSubmit} style={{ maxWidth: 640 }}>
      <Checkbox
        id="net-pod"
        label="Pod network (masquerade): outbound access and Kubernetes services"
        isChecked={state.podNetwork}
        onChange={(_e, podNetwork) => set({ podNetwork })}
      />
      {state.multus.map((nad, index) => (
        <Field
          key={index}
          id={`net-multus-${index}`}
          label={`VLAN / secondary network ${index + 1}`}
          problem={problems[`multus-${index}`]}
          hint="A NetworkAttachmentDefinition: name (in the VM's namespace) or namespace/name."
        >
          <div style={{ display: 'flex', gap: 8 }}>
            <TextInput
              id={`net-multus-${index}`}
              value={nad}
              onChange={(_e, value) =>
                set({ multus: state.multus.map((v, i) => (i === index ? value : v)) })
              }
              validated={problems[`multus-${index}`] ? 'error' : 'default'}
            />
            <Button
              variant="plain"
              aria-label={`Remove network ${index + 1}`}
              onClick={() => set({ multus: state.multus.filter((_, i) => i !== index) })}
              icon={<TrashIcon />}
            />
          </div>
        </Field>
      ))}
      <div>
        <Button variant="link" isInline onClick={() => set({ multus: [...state.multus, ''] })}>
          Add a secondary network
        </Button>
      </div>
      {problems.none && (
        <HelperText>
          <HelperTextItem variant="warning">{problems.none}</HelperTextItem>
        </HelperText>
      )}
    </Form>
  )
}

export function CloudInitStep({ state, set, problems }: StepProps) {
  return (
    <Form onSubmit={noSubmit} style={{ maxWidth: 640 }}>
      <Field
        id="ci-user"
        label="User"
        problem={problems.user}
        hint="Created at first boot by cloud-init."
      >
        <TextInput
          id="ci-user"
          value={state.user}
          onChange={(_e, user) => set({ user })}
          validated={problems.user ? 'error' : 'default'}
          autoComplete="off"
        />
      </Field>
      <FormGroup role="radiogroup" label="Log in with" fieldId="ci-auth" isInline>
        <Radio
          id="ci-auth-password"
          name="ci-auth"
          label="Password"
          isChecked={state.auth === 'password'}
          onChange={() => set({ auth: 'password' })}
        />
        <Radio
          id="ci-auth-ssh"
          name="ci-auth"
          label="SSH public key"
          isChecked={state.auth === 'ssh'}
          onChange={() => set({ auth: 'ssh' })}
        />
        <Radio
          id="ci-auth-none"
          name="ci-auth"
          label="Neither"
          isChecked={state.auth === 'none'}
          onChange={() => set({ auth: 'none' })}
        />
      </FormGroup>
      {state.auth === 'password' && (
        <Field
          id="ci-password"
          label="Password"
          problem={problems.password}
          hint="Stored in the VM's cloud-init data, readable by whoever can read the VM."
        >
          <TextInput
            id="ci-password"
            type="password"
            value={state.password}
            onChange={(_e, password) => set({ password })}
            autoComplete="new-password"
          />
        </Field>
      )}
      {state.auth === 'ssh' && (
        <Field id="ci-ssh" label="SSH public key" problem={problems.sshKey}>
          <TextArea
            id="ci-ssh"
            value={state.sshKey}
            onChange={(_e, sshKey) => set({ sshKey })}
            rows={3}
            resizeOrientation="vertical"
            validated={problems.sshKey ? 'error' : 'default'}
          />
        </Field>
      )}
    </Form>
  )
}
