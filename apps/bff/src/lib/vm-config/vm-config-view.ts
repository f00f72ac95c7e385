import { createHash } from 'node:crypto'
import type { VmConfig, VmConfigDisk, VmConfigInterface } from '@vmdeck/shared'
import { DESCRIPTION, type EditableVm, type VolumeSource } from './vm-shape.ts'

/** Below this the demo's guests do not boot (QEMU's `-m 64` hangs); KubeVirt itself takes less. */
export const MIN_MEMORY = '96Mi'

const VOLUME_KINDS = [
  'containerDisk',
  'dataVolume',
  'persistentVolumeClaim',
  'cloudInitNoCloud',
  'cloudInitConfigDrive',
  'emptyDisk',
  'ephemeral',
  'secret',
  'configMap',
  'serviceAccount',
] as const

function sourceOf(volume: VolumeSource | undefined): { kind?: string; name?: string } {
  if (!volume) return {}
  for (const kind of VOLUME_KINDS) {
    const source = volume[kind] as Record<string, unknown> | undefined
    if (!source) continue
    const name = source.name ?? source.claimName ?? source.image ?? source.secretName
    return { kind, ...(typeof name === 'string' ? { name } : {}) }
  }
  return { kind: 'other' }
}

function disksOf(vm: EditableVm): VmConfigDisk[] {
  const spec = vm.spec.template.spec
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]))
  const templates = new Map((vm.spec.dataVolumeTemplates ?? []).map((t) => [t.metadata.name, t]))
  return (spec.domain.devices.disks ?? []).map((disk) => {
    const type = disk.cdrom ? 'cdrom' : disk.lun ? 'lun' : 'disk'
    const volume = volumes.get(disk.name)
    const source = sourceOf(volume)
    const template = source.kind === 'dataVolume' ? templates.get(source.name ?? '') : undefined
    const size = template?.spec.storage?.resources?.requests?.storage
    const storageClass = template?.spec.storage?.storageClassName
    const bus = (disk.cdrom ?? disk.lun ?? disk.disk)?.bus
    return {
      name: disk.name,
      type,
      ...(bus ? { bus } : {}),
      ...(disk.bootOrder !== undefined ? { bootOrder: disk.bootOrder } : {}),
      ...(source.kind ? { sourceKind: source.kind } : {}),
      ...(source.name ? { sourceName: source.name } : {}),
      ...(size ? { size } : {}),
      ...(storageClass ? { storageClass } : {}),
      hotpluggable: Boolean(
        volume?.dataVolume?.hotpluggable ?? volume?.persistentVolumeClaim?.hotpluggable,
      ),
    }
  })
}

const BINDINGS = ['masquerade', 'bridge', 'sriov', 'passtBinding', 'slirp'] as const

function interfacesOf(vm: EditableVm): VmConfigInterface[] {
  const spec = vm.spec.template.spec
  const networks = new Map((spec.networks ?? []).map((n) => [n.name, n]))
  return (spec.domain.devices.interfaces ?? []).map((nic) => {
    const network = networks.get(nic.name)
    const binding =
      BINDINGS.find((b) => nic[b] !== undefined) ??
      (nic.binding as { name?: string } | undefined)?.name ??
      'unknown'
    return {
      name: nic.name,
      ...(nic.model ? { model: nic.model } : {}),
      ...(nic.macAddress ? { macAddress: nic.macAddress } : {}),
      binding,
      network: network?.multus?.networkName ?? (network?.pod ? 'Pod network' : ''),
      networkType: network?.multus ? 'multus' : network?.pod ? 'pod' : 'other',
      ...(nic.state ? { state: nic.state } : {}),
    }
  })
}

const referenceOf = (ref: { kind?: string; name: string } | undefined) =>
  ref
    ? { name: ref.name, clusterScoped: !ref.kind || ref.kind.startsWith('VirtualMachineCluster') }
    : undefined

/** Annotations KubeVirt and kubectl keep for themselves: not shown, never edited, kept as they are. */
export const isSystemAnnotation = (key: string) =>
  key.startsWith('kubevirt.io/') || key.startsWith('kubectl.kubernetes.io/')

export const userAnnotations = (vm: EditableVm) =>
  Object.fromEntries(
    Object.entries(vm.metadata.annotations ?? {}).filter(([key]) => !isSystemAnnotation(key)),
  )

/** JSON with sorted keys, so equal objects give equal text. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value !== null && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(value)

/**
 * What a change is made on: the spec, labels and user annotations. Not the resourceVersion,
 * which KubeVirt's status updates move every few seconds, nor what KubeVirt's controller writes
 * by itself (its annotations, the firmware UUID it persists).
 */
export function configVersion(vm: EditableVm): string {
  const spec = structuredClone(vm.spec)
  const firmware = spec.template?.spec?.domain?.firmware as { uuid?: string } | undefined
  if (firmware) delete firmware.uuid
  const text = canonical([vm.metadata.labels ?? {}, userAnnotations(vm), spec])
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

/** The VM's configuration as the Configuration tab shows it. */
export function toVmConfig(
  vm: EditableVm,
  vmi:
    | { spec?: { domain?: { cpu?: { maxSockets?: number }; memory?: { maxGuest?: string } } } }
    | undefined,
  access: { editable: boolean; readOnlyReason?: string },
): VmConfig {
  const spec = vm.spec.template.spec
  const annotations = userAnnotations(vm)
  const description = annotations[DESCRIPTION] ?? ''
  delete annotations[DESCRIPTION]
  const restart = vm.status?.conditions?.find(
    (c) => c.type === 'RestartRequired' && c.status === 'True',
  )
  const cpu = spec.domain.cpu
  const memory = spec.domain.memory?.guest ?? spec.domain.resources?.requests?.memory
  const instancetype = referenceOf(vm.spec.instancetype)
  const preference = referenceOf(vm.spec.preference)
  const cloudInit = (spec.volumes ?? []).find((v) => v.cloudInitNoCloud ?? v.cloudInitConfigDrive)
  const cloudSource = cloudInit?.cloudInitNoCloud ?? cloudInit?.cloudInitConfigDrive
  const secret = (
    spec.accessCredentials as
      { sshPublicKey?: { source?: { secret?: { secretName?: string } } } }[] | undefined
  )?.find((c) => c.sshPublicKey)?.sshPublicKey?.source?.secret?.secretName
  const maxSockets = vmi?.spec?.domain?.cpu?.maxSockets
  const maxGuest = vmi?.spec?.domain?.memory?.maxGuest
  return {
    namespace: vm.metadata.namespace,
    name: vm.metadata.name,
    version: configVersion(vm),
    running: vmi !== undefined,
    editable: access.editable,
    ...(access.readOnlyReason ? { readOnlyReason: access.readOnlyReason } : {}),
    ...(restart ? { restartRequired: restart.message ?? 'A restart applies saved changes.' } : {}),
    details: {
      description,
      labels: vm.metadata.labels ?? {},
      annotations,
      runStrategy: (vm.spec.runStrategy ??
        (vm.spec.running ? 'Always' : 'Halted')) as VmConfig['details']['runStrategy'],
      ...(spec.evictionStrategy
        ? {
            evictionStrategy: spec.evictionStrategy as NonNullable<
              VmConfig['details']['evictionStrategy']
            >,
          }
        : {}),
    },
    compute: {
      kind: instancetype ? 'instancetype' : 'custom',
      ...(instancetype
        ? { instancetype }
        : {
            sockets: cpu?.sockets ?? 1,
            cores: cpu?.cores ?? 1,
            threads: cpu?.threads ?? 1,
            ...(memory ? { memory } : {}),
          }),
      ...(preference ? { preference } : {}),
      ...(maxSockets !== undefined ? { maxSockets } : {}),
      ...(maxGuest ? { maxGuest } : {}),
      minMemory: MIN_MEMORY,
    },
    disks: disksOf(vm),
    interfaces: interfacesOf(vm),
    initialRun: {
      ...(cloudInit ? { cloudInitVolume: cloudInit.name } : {}),
      hasUserData: Boolean(
        cloudSource &&
        (cloudSource.userData ?? cloudSource.userDataBase64 ?? cloudSource.secretRef),
      ),
      ...(secret ? { sshKeySecret: secret } : {}),
    },
  }
}
