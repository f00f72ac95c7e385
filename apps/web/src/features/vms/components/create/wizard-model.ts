import {
  CloudInitPassword,
  ContainerImage,
  ImageUrl,
  K8sName,
  K8sSubdomain,
  LinuxUserName,
  NetworkAttachmentName,
  Quantity,
  SshPublicKey,
  VmCpuCount,
  type VmCreateForm,
} from '@vmdeck/shared'
import { nameProblem } from '../../../../lib/k8s-name.ts'
import { fitsInteger, fitsString, rulesOf } from '../../../../lib/schema-rules.ts'

/** Well-known container disk images (quay.io/containerdisks), for a one-click boot source. */
export const containerDiskCatalog = [
  { image: 'quay.io/containerdisks/fedora:41', label: 'Fedora 41', user: 'fedora' },
  { image: 'quay.io/containerdisks/centos-stream:9', label: 'CentOS Stream 9', user: 'cloud-user' },
  { image: 'quay.io/containerdisks/ubuntu:24.04', label: 'Ubuntu 24.04 LTS', user: 'ubuntu' },
  { image: 'quay.io/containerdisks/debian:12', label: 'Debian 12', user: 'debian' },
  {
    image: 'quay.io/kubevirt/cirros-container-disk-demo:latest',
    label: 'CirrOS (tiny test image)',
    user: 'cirros',
  },
]

/** KubeVirt's common-instancetypes u1 series (cluster-wide, installed with KubeVirt). */
export const instancetypeCatalog = [
  { name: 'u1.small', cpus: 1, memory: '2Gi' },
  { name: 'u1.medium', cpus: 1, memory: '4Gi' },
  { name: 'u1.large', cpus: 2, memory: '8Gi' },
  { name: 'u1.xlarge', cpus: 4, memory: '16Gi' },
  { name: 'u1.2xlarge', cpus: 8, memory: '32Gi' },
]

export type WizardState = {
  name: string
  namespace: string
  source: 'catalog' | 'image' | 'url' | 'pvc' | 'template'
  image: string
  /** From a template: its `namespace/name`, whether it can take an SSH key, and the key's Secret. */
  template: string
  templateSshKeys: boolean
  sshKeySecret: string
  url: string
  pvcName: string
  pvcNamespace: string
  diskSize: string
  size: 'instancetype' | 'custom'
  instancetype: string
  cpus: number
  memory: string
  podNetwork: boolean
  multus: string[]
  user: string
  auth: 'password' | 'ssh' | 'none'
  password: string
  sshKey: string
  startNow: boolean
}

export const initialWizardState = (namespace: string): WizardState => ({
  name: '',
  namespace,
  source: 'catalog',
  image: containerDiskCatalog[0]!.image,
  template: '',
  templateSshKeys: false,
  sshKeySecret: '',
  url: '',
  pvcName: '',
  pvcNamespace: namespace,
  diskSize: '30Gi',
  size: 'instancetype',
  instancetype: 'u1.small',
  cpus: 1,
  memory: '2Gi',
  podNetwork: true,
  multus: [],
  user: containerDiskCatalog[0]!.user,
  auth: 'password',
  password: '',
  sshKey: '',
  startNow: true,
})

/** Problems per step, as the user types; a step with problems cannot be left forward. */
export function wizardProblems(state: WizardState) {
  const problems = {
    basics: {} as Record<string, string>,
    source: {} as Record<string, string>,
    size: {} as Record<string, string>,
    networks: {} as Record<string, string>,
    cloudInit: {} as Record<string, string>,
  }
  // Each check is the API contract's own schema for the field the form turns into (toCreateForm).
  const name = nameProblem(state.name)
  if (name) problems.basics.name = name
  if (nameProblem(state.namespace)) problems.basics.namespace = 'Choose a namespace.'
  if (state.source === 'template') Object.assign(problems.source, templateProblems(state))
  if (state.source === 'image' && !fitsString(ContainerImage, state.image.trim()))
    problems.source.image = 'An image reference such as quay.io/containerdisks/fedora:41.'
  if (state.source === 'url' && !fitsString(ImageUrl, state.url.trim()))
    problems.source.url = 'An http:// or https:// address of a disk image.'
  if (state.source === 'pvc' && !fitsString(K8sSubdomain, state.pvcName.trim()))
    problems.source.pvcName = 'The name of an existing volume claim.'
  if ((state.source === 'url' || state.source === 'pvc') && !fitsString(Quantity, state.diskSize))
    problems.source.diskSize = 'A size such as 30Gi.'
  if (state.size === 'custom') {
    const { minimum, maximum } = rulesOf(VmCpuCount)
    if (!fitsInteger(VmCpuCount, state.cpus)) problems.size.cpus = `From ${minimum} to ${maximum}.`
    if (!fitsString(Quantity, state.memory)) problems.size.memory = 'A size such as 2Gi or 512Mi.'
  }
  state.multus.forEach((nad, index) => {
    if (!fitsString(NetworkAttachmentName, nad.trim()))
      problems.networks[`multus-${index}`] =
        'A NetworkAttachmentDefinition: name or namespace/name.'
  })
  if (!state.podNetwork && state.multus.length === 0)
    problems.networks.none = 'Without a network the VM is reachable only through its console.'
  if (state.user && !fitsString(LinuxUserName, state.user))
    problems.cloudInit.user = 'A Linux user name: lowercase letters, digits, “_” and “-”.'
  if (state.auth === 'password' && state.password && !fitsString(CloudInitPassword, state.password))
    problems.cloudInit.password = 'No control characters, at most 256 characters.'
  if (state.auth === 'ssh' && !fitsString(SshPublicKey, state.sshKey.trim()))
    problems.cloudInit.sshKey = 'A public key line such as “ssh-ed25519 AAAA… me@host”.'
  return problems
}

/** The form model the BFF turns into a VirtualMachine (never YAML from the browser). */
export function toCreateForm(state: WizardState): VmCreateForm {
  const bootSource: VmCreateForm['bootSource'] =
    state.source === 'url'
      ? { type: 'url', url: state.url.trim(), size: state.diskSize }
      : state.source === 'pvc'
        ? {
            type: 'pvc',
            name: state.pvcName.trim(),
            size: state.diskSize,
            ...(state.pvcNamespace && state.pvcNamespace !== state.namespace
              ? { namespace: state.pvcNamespace }
              : {}),
          }
        : { type: 'containerDisk', image: state.image.trim() }
  const networks: NonNullable<VmCreateForm['networks']> = [
    ...(state.podNetwork ? [{ name: 'default', type: 'pod' as const }] : []),
    ...state.multus.map((networkName, index) => ({
      name: `net${index + 1}`,
      type: 'multus' as const,
      networkName: networkName.trim(),
    })),
  ]
  const cloudInit: NonNullable<VmCreateForm['cloudInit']> = {
    ...(state.user ? { user: state.user } : {}),
    ...(state.auth === 'password' && state.password ? { password: state.password } : {}),
    ...(state.auth === 'ssh' && state.sshKey.trim()
      ? { sshAuthorizedKeys: [state.sshKey.trim()] }
      : {}),
  }
  return {
    name: state.name,
    namespace: state.namespace,
    compute:
      state.size === 'instancetype'
        ? { kind: 'instancetype', instancetype: state.instancetype }
        : { kind: 'custom', cpus: state.cpus, memory: state.memory },
    bootSource,
    networks,
    ...(Object.keys(cloudInit).length ? { cloudInit } : {}),
    startNow: state.startNow,
  }
}

/** The template source's problems; the BFF refuses the same key (400) before creating anything. */
export function templateProblems(state: WizardState): Record<string, string> {
  const problems: Record<string, string> = {}
  if (!state.template) problems.template = 'Choose a template.'
  const secret = state.sshKeySecret.trim()
  if (!secret) return problems
  if (!state.templateSshKeys)
    problems.sshKeySecret = `Template ${state.template} has no cloud-init disk to carry an SSH key; leave the key out.`
  else if (!fitsString(K8sName, secret))
    problems.sshKeySecret = 'The name of a Secret in the namespace holding SSH public keys.'
  return problems
}
