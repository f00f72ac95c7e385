import type { KObject } from '../kube/types.ts'
import type { StorageContext } from './storage-context.ts'

const defaultSnapshotClassAnnotation = 'snapshot.storage.kubernetes.io/is-default-class'

/**
 * The VolumeSnapshotClass for volumes of a StorageClass, as KubeVirt's snapshot controller picks
 * it (kubevirt pkg/storage/snapshot/snapshot.go getVolumeSnapshotClassName): the classes whose
 * `driver` is the StorageClass's provisioner; one wins, several need the default annotation.
 * Undefined when none: the volume is left out of the snapshot. (KubeVirt first asks CDI's
 * StorageProfile for a `snapshotClass`; the simulator has no StorageProfiles.)
 */
export function snapshotClassFor(
  sc: StorageContext,
  storageClassName: string | undefined,
): string | undefined {
  const { storageClass: classDef, volumeSnapshotClass: snapshotClassDef } = sc.defs
  if (!storageClassName || !classDef || !snapshotClassDef) return undefined
  const storageClass = sc.ctx.store.peek(classDef, undefined, storageClassName)
  if (!storageClass) return undefined
  const provisioner = (storageClass as KObject & { provisioner?: string }).provisioner
  const matches = sc.ctx.store
    .peekList(snapshotClassDef)
    .items.filter((c) => (c as KObject & { driver?: string }).driver === provisioner)
  if (matches.length === 1) return matches[0]?.metadata.name
  return matches.find((c) => c.metadata.annotations?.[defaultSnapshotClassAnnotation] !== undefined)
    ?.metadata.name
}
