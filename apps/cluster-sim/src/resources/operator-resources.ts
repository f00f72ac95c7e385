import { resource, type ResourceDef } from '../kube/registry.ts'

// The remaining kinds of docs/KUBEVIRT-NOTES.md#kinds (KubeVirt's operator-level kinds, CDI's, the
// external snapshotter's), which the simulator watches so vmdeck's tests can read them.
const cdi = 'cdi.kubevirt.io/v1beta1'
const csiSnapshot = 'snapshot.storage.k8s.io/v1'

export const operatorResources: ResourceDef[] = [
  resource(
    'kubevirt.io/v1',
    'VirtualMachineInstanceReplicaSet',
    'virtualmachineinstancereplicasets',
    'Namespaced',
  ),
  resource(
    'kubevirt.io/v1alpha3',
    'VirtualMachineInstancePreset',
    'virtualmachineinstancepresets',
    'Namespaced',
  ),
  resource('kubevirt.io/v1', 'KubeVirt', 'kubevirts', 'Namespaced'),
  resource('export.kubevirt.io/v1', 'VirtualMachineExport', 'virtualmachineexports', 'Namespaced'),
  resource('migrations.kubevirt.io/v1alpha1', 'MigrationPolicy', 'migrationpolicies', 'Cluster'),
  resource('pool.kubevirt.io/v1beta1', 'VirtualMachinePool', 'virtualmachinepools', 'Namespaced'),
  resource(
    'backup.kubevirt.io/v1alpha1',
    'VirtualMachineBackup',
    'virtualmachinebackups',
    'Namespaced',
  ),
  resource(cdi, 'DataSource', 'datasources', 'Namespaced'),
  resource(cdi, 'DataImportCron', 'dataimportcrons', 'Namespaced'),
  resource(cdi, 'CDI', 'cdis', 'Cluster'),
  resource(cdi, 'CDIConfig', 'cdiconfigs', 'Cluster'),
  resource(cdi, 'StorageProfile', 'storageprofiles', 'Cluster'),
  resource(csiSnapshot, 'VolumeSnapshot', 'volumesnapshots', 'Namespaced'),
  resource(csiSnapshot, 'VolumeSnapshotClass', 'volumesnapshotclasses', 'Cluster'),
  resource(csiSnapshot, 'VolumeSnapshotContent', 'volumesnapshotcontents', 'Cluster'),
]
