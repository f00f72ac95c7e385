import type { Registry, ResourceDef } from '../kube/registry.ts'
import type { KObject, OwnerReference } from '../kube/types.ts'
import { findDef, type KubevirtContext } from './context.ts'

/** The resources the storage controllers read and write (undefined: not served here). */
export interface StorageDefs {
  dv?: ResourceDef
  pvc?: ResourceDef
  pv?: ResourceDef
  storageClass?: ResourceDef
  volumeSnapshot?: ResourceDef
  volumeSnapshotContent?: ResourceDef
  volumeSnapshotClass?: ResourceDef
  snapshot?: ResourceDef
  content?: ResourceDef
  restore?: ResourceDef
  clone?: ResourceDef
}

export function storageDefs(registry: Registry): StorageDefs {
  const find = (group: string, plural: string) => findDef(registry, group, plural)
  return {
    dv: find('cdi.kubevirt.io', 'datavolumes'),
    pvc: find('', 'persistentvolumeclaims'),
    pv: find('', 'persistentvolumes'),
    storageClass: find('storage.k8s.io', 'storageclasses'),
    volumeSnapshot: find('snapshot.storage.k8s.io', 'volumesnapshots'),
    volumeSnapshotContent: find('snapshot.storage.k8s.io', 'volumesnapshotcontents'),
    volumeSnapshotClass: find('snapshot.storage.k8s.io', 'volumesnapshotclasses'),
    snapshot: find('snapshot.kubevirt.io', 'virtualmachinesnapshots'),
    content: find('snapshot.kubevirt.io', 'virtualmachinesnapshotcontents'),
    restore: find('snapshot.kubevirt.io', 'virtualmachinerestores'),
    clone: find('clone.kubevirt.io', 'virtualmachineclones'),
  }
}

/** The part of the KubeVirt context the storage controllers use. */
export type StorageHost = Pick<KubevirtContext, 'registry' | 'store' | 'defs' | 'events'>

/**
 * Without KubeVirt's snapshot, restore and clone kinds: what CDI and the storage vendor run beside
 * KubeVirt's own virt-controller, which has those controllers.
 */
export function withoutKubevirtKinds(defs: StorageDefs): StorageDefs {
  const kept: StorageDefs = {}
  for (const key of [
    'dv',
    'pvc',
    'pv',
    'storageClass',
    'volumeSnapshot',
    'volumeSnapshotContent',
    'volumeSnapshotClass',
  ] as const) {
    const def = defs[key]
    if (def) kept[key] = def
  }
  return kept
}

/** What each storage controller gets: the KubeVirt context, the defs, timers and the queue. */
export interface StorageContext {
  ctx: StorageHost
  defs: StorageDefs
  /** Runs `run` after `ms` (stopped with the controllers); a failure is logged. */
  after(ms: number, run: () => void | Promise<void>): void
  enqueue(def: ResourceDef | undefined, namespace: string | undefined, name: string): void
}

export const controllerRef = (
  owner: KObject,
  apiVersion = owner.apiVersion,
  kind = owner.kind,
): OwnerReference => ({
  apiVersion,
  kind,
  name: owner.metadata.name ?? '',
  uid: owner.metadata.uid ?? '',
  controller: true,
  blockOwnerDeletion: true,
})

export const controllerOf = (object: KObject | undefined): OwnerReference | undefined =>
  object?.metadata.ownerReferences?.find((o) => o.controller)

export interface VmVolume {
  name: string
  dataVolume?: { name: string }
  persistentVolumeClaim?: { claimName: string }
  [source: string]: unknown
}

export const vmVolumes = (vm: KObject | undefined): VmVolume[] =>
  (vm?.spec as { template?: { spec?: { volumes?: VmVolume[] } } } | undefined)?.template?.spec
    ?.volumes ?? []

/** The claim behind a VM volume: a PVC's name, or a DataVolume's (whose PVC has its name). */
export const claimOf = (volume: VmVolume): string | undefined =>
  volume.persistentVolumeClaim?.claimName ?? volume.dataVolume?.name

export const pvcPhase = (pvc: KObject | undefined): string =>
  (pvc?.status as { phase?: string } | undefined)?.phase ?? ''

export interface PvcSpec {
  accessModes?: string[]
  resources?: { requests?: { storage?: string } }
  storageClassName?: string
  volumeMode?: string
  volumeName?: string
  dataSource?: { apiGroup?: string; kind: string; name: string }
  dataSourceRef?: { apiGroup?: string; kind: string; name: string; namespace?: string }
}

export const pvcSpec = (pvc: KObject | undefined): PvcSpec =>
  (pvc?.spec as PvcSpec | undefined) ?? {}

/** Two JSON values are equal (order of keys aside): a status that did not change is not written. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    )
  return value
}
