import type {
  MigrationPhase,
  NodeDrain,
  NodeResources,
  NodeSummary,
  SnapshotPhase,
  VmCondition,
  VmDetail,
  VmDisk,
  VmEvent,
  VmMigration,
  VmNic,
  VmPrintableStatus,
  VmSnapshot,
  VmSummary,
} from '@vmdeck/shared'

import type {
  Condition,
  VirtualMachine,
  VirtualMachineInstance,
  VirtualMachineInstanceMigration,
  VirtualMachineSnapshot,
  VirtualMachineRestore,
  Node,
  Pod,
  KubeEvent,
} from './types.ts'

const printable = new Set<string>([
  'Stopped',
  'Provisioning',
  'Starting',
  'Running',
  'Paused',
  'Stopping',
  'Terminating',
  'CrashLoopBackOff',
  'Migrating',
  'WaitingForVolumeBinding',
  'WaitingForReceiver',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrorUnschedulable',
  'ErrorPvcNotFound',
  'ErrorDataVolumeNotFound',
  'DataVolumeError',
])

const conditionOf = (conditions: Condition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type)

const isTrue = (conditions: Condition[] | undefined, type: string) =>
  conditionOf(conditions, type)?.status === 'True'

/** Kubernetes timestamps as RFC 3339 seconds (client-node hands out Dates for some fields). */
export const timestamp = (value: string | Date | undefined): string =>
  value instanceof Date ? value.toISOString().replace(/\.\d+Z$/, 'Z') : (value ?? '')

const opt = <K extends string, V>(key: K, value: V | undefined | null | '') =>
  (value === undefined || value === null || value === '' ? {} : { [key]: value }) as
    Record<K, V> | Record<never, never>

/** The effective runStrategy (API.md §2.2): `running` maps to Always/Halted, neither is Halted. */
export function runStrategyOf(vm: VirtualMachine): string {
  return (
    vm.spec?.runStrategy ??
    (vm.spec?.running === undefined || !vm.spec.running ? 'Halted' : 'Always')
  )
}

export function toVmSummary(vm: VirtualMachine, vmi?: VirtualMachineInstance): VmSummary {
  const status = vm.status?.printableStatus
  const domain = vm.spec?.template?.spec?.domain
  const cpu = domain?.cpu
  const memory = domain?.memory?.guest ?? domain?.resources?.requests?.memory
  const ips = [
    ...new Set(
      (vmi?.status?.interfaces ?? []).flatMap(
        (i) => i.ipAddresses ?? (i.ipAddress ? [i.ipAddress] : []),
      ),
    ),
  ]
  const migration = vmi?.status?.migrationState
  const os = vmi?.status?.guestOSInfo?.prettyName ?? vmi?.status?.guestOSInfo?.name
  const runStrategy =
    vm.spec?.runStrategy ??
    (vm.spec?.running === undefined ? undefined : vm.spec.running ? 'Always' : 'Halted')
  const migratable = conditionOf(vmi?.status?.conditions, 'LiveMigratable')
  return {
    namespace: vm.metadata?.namespace ?? '',
    name: vm.metadata?.name ?? '',
    uid: vm.metadata?.uid ?? '',
    status: (status && printable.has(status) ? status : 'Unknown') as VmPrintableStatus,
    ready: vm.status?.ready ?? isTrue(vm.status?.conditions, 'Ready'),
    ...(runStrategy ? { runStrategy } : {}),
    ...(vmi?.status?.nodeName ? { node: vmi.status.nodeName } : {}),
    ips,
    ...(os ? { os } : {}),
    ...(cpu ? { cpus: (cpu.cores ?? 1) * (cpu.sockets ?? 1) * (cpu.threads ?? 1) } : {}),
    ...(memory ? { memory } : {}),
    ...(vm.spec?.instancetype?.name ? { instancetype: vm.spec.instancetype.name } : {}),
    ...(vm.spec?.preference?.name ? { preference: vm.spec.preference.name } : {}),
    createdAt: timestamp(vm.metadata?.creationTimestamp),
    labels: vm.metadata?.labels ?? {},
    flags: {
      paused: isTrue(vmi?.status?.conditions, 'Paused'),
      migrating: Boolean(migration?.startTimestamp && !migration.completed && !migration.failed),
      agentConnected: isTrue(vmi?.status?.conditions, 'AgentConnected'),
      ...(migratable ? { liveMigratable: migratable.status === 'True' } : {}),
    },
  }
}

const toCondition =
  (source: 'vm' | 'vmi') =>
  (c: Condition): VmCondition => ({
    type: c.type ?? '',
    status: c.status ?? 'Unknown',
    ...opt('reason', c.reason),
    ...opt('message', c.message),
    ...opt(
      'lastTransitionTime',
      c.lastTransitionTime ? timestamp(c.lastTransitionTime) : undefined,
    ),
    source,
  })

function toDisks(vm: VirtualMachine): VmDisk[] {
  const spec = vm.spec?.template?.spec
  const volumes = new Map((spec?.volumes ?? []).map((v) => [v.name ?? '', v]))
  const owned = new Map(
    (vm.spec?.dataVolumeTemplates ?? []).map((t) => [
      t.metadata?.name ?? '',
      t.spec?.storage?.resources?.requests?.storage ?? t.spec?.pvc?.resources?.requests?.storage,
    ]),
  )
  return (spec?.domain?.devices?.disks ?? []).map((disk) => {
    const volume = volumes.get(disk.name ?? '')
    const type = disk.cdrom ? 'cdrom' : disk.lun ? 'lun' : 'disk'
    const bus = (disk.disk ?? disk.cdrom ?? disk.lun)?.bus
    let source: VmDisk['source'] = { kind: 'other' }
    if (volume?.containerDisk)
      source = { kind: 'containerDisk', ...opt('ref', volume.containerDisk.image) }
    else if (volume?.dataVolume)
      source = { kind: 'dataVolume', ...opt('ref', volume.dataVolume.name) }
    else if (volume?.persistentVolumeClaim)
      source = {
        kind: 'persistentVolumeClaim',
        ...opt('ref', volume.persistentVolumeClaim.claimName),
      }
    else if (volume?.cloudInitNoCloud) source = { kind: 'cloudInitNoCloud' }
    else if (volume?.cloudInitConfigDrive) source = { kind: 'cloudInitConfigDrive' }
    else if (volume?.emptyDisk) source = { kind: 'emptyDisk' }
    else if (volume?.ephemeral)
      source = {
        kind: 'ephemeral',
        ...opt('ref', volume.ephemeral.persistentVolumeClaim?.claimName),
      }
    const dvName = volume?.dataVolume?.name
    return {
      name: disk.name ?? '',
      type,
      ...opt('bus', bus),
      ...opt('bootOrder', disk.bootOrder),
      source,
      ...opt('size', dvName ? owned.get(dvName) : undefined),
      owned: dvName !== undefined && owned.has(dvName),
    }
  })
}

function toNics(vm: VirtualMachine, vmi?: VirtualMachineInstance): VmNic[] {
  const spec = vm.spec?.template?.spec
  const networks = new Map((spec?.networks ?? []).map((n) => [n.name ?? '', n]))
  const live = new Map((vmi?.status?.interfaces ?? []).map((i) => [i.name ?? '', i]))
  return (spec?.domain?.devices?.interfaces ?? []).map((iface) => {
    const network = networks.get(iface.name ?? '')
    const status = live.get(iface.name ?? '')
    const binding = iface.masquerade
      ? 'masquerade'
      : iface.bridge
        ? 'bridge'
        : iface.sriov
          ? 'sriov'
          : iface.passtBinding
            ? 'passt'
            : iface.binding?.name
    return {
      name: iface.name ?? '',
      network: network?.multus ? 'multus' : 'pod',
      ...opt('networkName', network?.multus?.networkName),
      ...opt('binding', binding),
      ...opt('model', iface.model),
      ...opt('mac', status?.mac ?? iface.macAddress),
      ips: status?.ipAddresses ?? (status?.ipAddress ? [status.ipAddress] : []),
      ...opt('interfaceName', status?.interfaceName),
      ...opt('linkState', status?.linkState),
    }
  })
}

export function toVmDetail(
  vm: VirtualMachine,
  vmi: VirtualMachineInstance | undefined,
  related: { snapshots: VmSnapshot[]; migration?: VmMigration | undefined },
): VmDetail {
  const spec = vm.spec?.template?.spec
  const guest = vmi?.status?.guestOSInfo
  const conditions = [
    ...(vm.status?.conditions ?? []).map(toCondition('vm')),
    ...(vmi?.status?.conditions ?? [])
      .filter((c) => !(vm.status?.conditions ?? []).some((v) => v.type === c.type))
      .map(toCondition('vmi')),
  ]
  return {
    ...toVmSummary(vm, vmi),
    annotations: vm.metadata?.annotations ?? {},
    ...opt('phase', vmi?.status?.phase),
    ...opt('evictionStrategy', spec?.evictionStrategy ?? vmi?.spec?.evictionStrategy),
    ...opt('terminationGracePeriodSeconds', spec?.terminationGracePeriodSeconds),
    disks: toDisks(vm),
    nics: toNics(vm, vmi),
    conditions,
    snapshots: related.snapshots,
    ...opt('migration', related.migration),
    ...(guest
      ? {
          guest: {
            ...opt('osName', guest.name),
            ...opt('osPrettyName', guest.prettyName),
            ...opt('osVersion', guest.version ?? guest.versionId),
            ...opt('kernelRelease', guest.kernelRelease),
          },
        }
      : {}),
    ...opt('snapshotInProgress', vm.status?.snapshotInProgress),
    ...opt('restoreInProgress', vm.status?.restoreInProgress),
    restartRequired: isTrue(vm.status?.conditions, 'RestartRequired'),
    ...opt('vmiUid', vmi?.metadata?.uid),
  }
}

const migrationPhases = new Set<string>([
  'Pending',
  'Scheduling',
  'Scheduled',
  'PreparingTarget',
  'TargetReady',
  'Running',
  'Succeeded',
  'Failed',
  'WaitingForSync',
  'Synchronizing',
])

// Phase-based progress: the API has no byte counts (they are metrics), so the bar moves by phase.
const phaseProgress: Record<string, number> = {
  Pending: 5,
  Scheduling: 15,
  Scheduled: 30,
  PreparingTarget: 45,
  TargetReady: 60,
  Running: 75,
  Succeeded: 100,
}

export function toVmMigration(vmim: VirtualMachineInstanceMigration): VmMigration {
  const raw = vmim.status?.phase ?? ''
  const phase = (
    migrationPhases.has(raw) ? raw : raw === '' ? 'Pending' : 'Unknown'
  ) as MigrationPhase
  const state = vmim.status?.migrationState
  const active = phase !== 'Succeeded' && phase !== 'Failed'
  const progress = phaseProgress[phase]
  return {
    namespace: vmim.metadata?.namespace ?? '',
    name: vmim.metadata?.name ?? '',
    vmName: vmim.spec?.vmiName ?? '',
    phase,
    active,
    ...opt('sourceNode', state?.sourceNode),
    ...opt('targetNode', state?.targetNode),
    createdAt: timestamp(vmim.metadata?.creationTimestamp),
    ...opt('startedAt', state?.startTimestamp ? timestamp(state.startTimestamp) : undefined),
    ...opt('endedAt', state?.endTimestamp ? timestamp(state.endTimestamp) : undefined),
    ...(progress !== undefined && !(phase === 'Failed') ? { progress } : {}),
    abortRequested: state?.abortRequested ?? false,
    ...opt('abortStatus', state?.abortStatus),
    ...opt('failureReason', state?.failureReason),
    ...opt('mode', state?.mode),
    evacuation:
      vmim.metadata?.annotations?.['kubevirt.io/evacuationMigration'] !== undefined ||
      (vmim.metadata?.name ?? '').startsWith('kubevirt-evacuation-'),
  }
}

const snapshotPhases = new Set<string>(['InProgress', 'Succeeded', 'Failed', 'Deleting'])

export function toVmSnapshot(
  snapshot: VirtualMachineSnapshot,
  restores: VirtualMachineRestore[] = [],
): VmSnapshot {
  const raw = snapshot.status?.phase ?? ''
  const name = snapshot.metadata?.name ?? ''
  const latest = restores
    .filter((r) => r.spec?.virtualMachineSnapshotName === name)
    .sort((a, b) =>
      timestamp(b.metadata?.creationTimestamp).localeCompare(
        timestamp(a.metadata?.creationTimestamp),
      ),
    )[0]
  const failure = latest && conditionOf(latest.status?.conditions, 'Failure')
  return {
    namespace: snapshot.metadata?.namespace ?? '',
    name,
    vmName: snapshot.spec?.source?.name ?? '',
    phase: (snapshotPhases.has(raw) ? raw : raw === '' ? 'InProgress' : 'Unknown') as SnapshotPhase,
    readyToUse: snapshot.status?.readyToUse ?? false,
    createdAt: timestamp(snapshot.metadata?.creationTimestamp),
    ...opt(
      'creationTime',
      snapshot.status?.creationTime ? timestamp(snapshot.status.creationTime) : undefined,
    ),
    ...opt('error', snapshot.status?.error?.message),
    indications: [
      ...new Set([
        ...(snapshot.status?.sourceIndications ?? []).map((i) => i.indication ?? ''),
        ...(snapshot.status?.indications ?? []),
      ]),
    ].filter(Boolean),
    ...(latest
      ? {
          restore: {
            name: latest.metadata?.name ?? '',
            complete: latest.status?.complete ?? false,
            ...opt(
              'restoreTime',
              latest.status?.restoreTime ? timestamp(latest.status.restoreTime) : undefined,
            ),
            ...opt('error', failure?.status === 'True' ? failure.message : undefined),
          },
        }
      : {}),
  }
}

const binarySuffix: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
}
const decimalSuffix: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
}

/** A Kubernetes quantity (`500m`, `4Gi`, `1e3`) as a number; 0 when unreadable. */
export function parseQuantity(value: string | undefined): number {
  if (!value) return 0
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([A-Za-z]*)$/.exec(value.trim())
  if (!match) return 0
  const number = Number(match[1])
  const suffix = match[2] ?? ''
  const factor = binarySuffix[suffix] ?? decimalSuffix[suffix]
  return Number.isFinite(number) && factor !== undefined ? number * factor : 0
}

const resources = (values: Record<string, string> | undefined): NodeResources => ({
  cpu: parseQuantity(values?.cpu),
  memory: parseQuantity(values?.memory),
  pods: Math.round(parseQuantity(values?.pods)),
})

export function isVirtLauncher(pod: Pod): boolean {
  return pod.metadata?.labels?.['kubevirt.io'] === 'virt-launcher'
}

/** Pods that still hold resources on their node. */
export const podIsActive = (pod: Pod): boolean =>
  pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed'

export function toNodeSummary(
  node: Node,
  pods: readonly Pod[],
  vmCount: number,
  drain?: NodeDrain,
): NodeSummary {
  const used = { cpu: 0, memory: 0, pods: 0 }
  for (const pod of pods) {
    if (!podIsActive(pod)) continue
    used.pods += 1
    for (const container of pod.spec?.containers ?? []) {
      used.cpu += parseQuantity(container.resources?.requests?.cpu)
      used.memory += parseQuantity(container.resources?.requests?.memory)
    }
  }
  const labels = node.metadata?.labels ?? {}
  const roles = Object.keys(labels)
    .filter((key) => key.startsWith('node-role.kubernetes.io/'))
    .map((key) => key.slice('node-role.kubernetes.io/'.length))
  return {
    name: node.metadata?.name ?? '',
    ready: isTrue(node.status?.conditions, 'Ready'),
    schedulable: !node.spec?.unschedulable,
    roles,
    capacity: resources(node.status?.capacity),
    allocatable: resources(node.status?.allocatable ?? node.status?.capacity),
    used,
    vmCount,
    labels,
    taints: (node.spec?.taints ?? []).map((t) => ({
      key: t.key ?? '',
      ...opt('value', t.value),
      effect: t.effect ?? '',
    })),
    ...opt('kubeletVersion', node.status?.nodeInfo?.kubeletVersion),
    ...opt('internalIp', node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address),
    createdAt: timestamp(node.metadata?.creationTimestamp),
    ...(drain ? { drain } : {}),
  }
}

export function toVmEvent(event: KubeEvent): VmEvent {
  const object = event.involvedObject ?? event.regarding
  const last = event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? event.note ?? '',
    object: `${object?.kind ?? ''}/${object?.name ?? ''}`,
    count: event.count ?? 1,
    ...opt('firstSeen', event.firstTimestamp ? timestamp(event.firstTimestamp) : undefined),
    ...opt('lastSeen', last ? timestamp(last) : undefined),
    ...opt('source', event.source?.component ?? event.reportingController),
  }
}

export type {
  VirtualMachine,
  VirtualMachineInstance,
  VirtualMachineInstanceMigration,
  VirtualMachineSnapshot,
  VirtualMachineRestore,
  Node,
  Pod,
  KubeEvent,
} from './types.ts'
