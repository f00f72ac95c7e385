import {
  TEMPLATE_CATEGORY_ANNOTATION,
  TEMPLATE_DESCRIPTION_ANNOTATION,
  TEMPLATE_LABEL,
  type TemplateSummary,
  type VmComputeForm,
  type VmSummary,
} from '@vmdeck/shared'
import type { VirtualMachine } from '../kube/types.ts'
import { editCompute } from './vm-config/edit-compute.ts'
import type { EditableVm } from './vm-config/vm-shape.ts'
import { cloneVmManifest } from './vm-from-form.ts'

// KubeVirt v1.8 serves no VirtualMachineTemplate API, so a template is a VM kept stopped
// (runStrategy Halted), marked by a label, with its catalog fields in annotations: `kubectl get vm
// -l vmdeck.io/template=true` lists them, and a new VM from one is a clone of it.

type Manifest = Record<string, unknown> & {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }
  spec: Record<string, unknown> & { template?: { spec?: Record<string, unknown> } }
}

export const isTemplate = (labels: Record<string, string> | undefined): boolean =>
  labels?.[TEMPLATE_LABEL] === 'true'

/** A stopped copy of `vm` (disks cloned as a clone's are), labelled and annotated as a template. */
export function templateManifest(
  vm: VirtualMachine,
  target: { name: string; category?: string | undefined; description?: string | undefined },
): Record<string, unknown> {
  const namespace = vm.metadata?.namespace ?? ''
  const copy = cloneVmManifest(vm, { name: target.name, namespace, start: false }) as Manifest
  copy.metadata.labels = { ...copy.metadata.labels, [TEMPLATE_LABEL]: 'true' }
  copy.metadata.annotations = {
    ...copy.metadata.annotations,
    [TEMPLATE_CATEGORY_ANNOTATION]: target.category?.trim() || 'General',
    [TEMPLATE_DESCRIPTION_ANNOTATION]: target.description?.trim() ?? '',
  }
  return copy
}

/**
 * How an SSH key reaches the guest: through the template's cloud-init disk, whose kind KubeVirt's
 * admission requires the propagation method to match; undefined when it has none.
 */
export function sshPropagation(vm: VirtualMachine): 'noCloud' | 'configDrive' | undefined {
  const volumes = vm.spec?.template?.spec?.volumes ?? []
  if (volumes.some((v) => v.cloudInitNoCloud)) return 'noCloud'
  if (volumes.some((v) => v.cloudInitConfigDrive)) return 'configDrive'
  return undefined
}

/** A new VM from a template: a clone without the template's marks, started or not. */
export function instanceManifest(
  template: VirtualMachine,
  target: {
    name: string
    start: boolean
    sshKeySecret?: string | undefined
    size?: VmComputeForm | undefined
  },
): Record<string, unknown> {
  const namespace = template.metadata?.namespace ?? ''
  const copy = cloneVmManifest(template, { name: target.name, namespace, start: target.start })
  const vm = copy as Manifest
  const labels = { ...vm.metadata.labels }
  delete labels[TEMPLATE_LABEL]
  vm.metadata.labels = labels
  vm.metadata.annotations = {
    'vmdeck.io/from-template': `${namespace}/${template.metadata?.name ?? ''}`,
  }
  const method = sshPropagation(template)
  if (target.sshKeySecret && method && vm.spec.template?.spec)
    vm.spec.template.spec.accessCredentials = [
      {
        sshPublicKey: {
          source: { secret: { secretName: target.sshKeySecret } },
          propagationMethod: { [method]: {} },
        },
      },
    ]
  // The Configuration tab's own rewrite, with its refusals (400) before anything is sent.
  if (target.size) editCompute(copy as unknown as EditableVm, computeChange(target.size))
  return copy
}

/** The create form's size as a compute change: vCPUs as cores of one socket, as a new VM's. */
function computeChange(size: VmComputeForm): Parameters<typeof editCompute>[1] {
  return size.kind === 'custom'
    ? { kind: 'custom', sockets: 1, cores: size.cpus, threads: 1, memory: size.memory }
    : {
        kind: 'instancetype',
        instancetype: { name: size.instancetype, clusterScoped: size.clusterScoped ?? true },
      }
}

/** The catalog's row of a template, from its row in the VM cache and its annotations. */
export function templateSummary(
  vm: VmSummary,
  annotations: Record<string, string> | undefined,
  sshKeys = false,
): TemplateSummary {
  return {
    namespace: vm.namespace,
    name: vm.name,
    category: annotations?.[TEMPLATE_CATEGORY_ANNOTATION] || 'General',
    description: annotations?.[TEMPLATE_DESCRIPTION_ANNOTATION] ?? '',
    ...(vm.cpus !== undefined ? { cpus: vm.cpus } : {}),
    ...(vm.memory !== undefined ? { memory: vm.memory } : {}),
    ...(vm.instancetype !== undefined ? { instancetype: vm.instancetype } : {}),
    ...(vm.os !== undefined ? { os: vm.os } : {}),
    sshKeys,
    createdAt: vm.createdAt,
  }
}
