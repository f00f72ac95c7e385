// The demo cluster's storage: two StorageClasses and a VolumeSnapshotClass, played by the
// simulator's storage controllers (controllers/volume-provisioner.ts, volume-snapshotter.ts).
import type { SeedObject } from './seed-object.ts'

/** The provisioner name of rancher's local-path-provisioner (its deploy/local-path-storage.yaml). */
export const localPathProvisioner = 'rancher.io/local-path'
/** The kubernetes-csi hostpath driver's name (external-snapshotter examples/kubernetes/storageclass.yaml). */
export const hostpathCsiDriver = 'hostpath.csi.k8s.io'

export function demoStorage(): SeedObject[] {
  return [
    {
      group: 'storage.k8s.io',
      plural: 'storageclasses',
      object: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        // rancher/local-path-provisioner's class, the cluster default (as on kind and k3s). Its
        // provisioner runs with `sharedFileSystemPath` (README: "a filesystem that is mounted on
        // all nodes at the same time ... all access modes are supported ... In addition
        // `volumeBindingMode: Immediate` can be used"), so volumes need no node and VMs on them
        // can live-migrate. It cannot snapshot: no VolumeSnapshotClass names its provisioner.
        metadata: {
          name: 'local-path',
          annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
        },
        provisioner: localPathProvisioner,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      },
    },
    {
      group: 'storage.k8s.io',
      plural: 'storageclasses',
      object: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        // A CSI driver with snapshots, as kubernetes-csi/external-snapshotter's own examples
        // deploy it: VM snapshots, restores and clones of volumes on this class use CSI
        // VolumeSnapshots.
        metadata: { name: 'csi-hostpath-sc' },
        provisioner: hostpathCsiDriver,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
        allowVolumeExpansion: true,
      },
    },
    {
      group: 'snapshot.storage.k8s.io',
      plural: 'volumesnapshotclasses',
      object: {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshotClass',
        metadata: {
          name: 'csi-hostpath-snapclass',
          annotations: { 'snapshot.storage.kubernetes.io/is-default-class': 'true' },
        },
        driver: hostpathCsiDriver,
        deletionPolicy: 'Delete',
      },
    },
  ]
}
