import { resource, type ResourceDef } from '../kube/registry.ts'

// KubeVirt's and CDI's kinds the controllers reconcile, and Multus' NADs, in the versions of
// docs/KUBEVIRT-NOTES.md#kinds (the CRDs themselves are generated, and installed by the control
// plane).
const kubevirt = 'kubevirt.io/v1'
const snapshot = 'snapshot.kubevirt.io/v1beta1'
const instancetype = 'instancetype.kubevirt.io/v1beta1'

export const kubevirtResources: ResourceDef[] = [
  resource(kubevirt, 'VirtualMachine', 'virtualmachines', 'Namespaced'),
  resource(kubevirt, 'VirtualMachineInstance', 'virtualmachineinstances', 'Namespaced'),
  resource(
    kubevirt,
    'VirtualMachineInstanceMigration',
    'virtualmachineinstancemigrations',
    'Namespaced',
  ),
  resource(snapshot, 'VirtualMachineSnapshot', 'virtualmachinesnapshots', 'Namespaced'),
  resource(
    snapshot,
    'VirtualMachineSnapshotContent',
    'virtualmachinesnapshotcontents',
    'Namespaced',
  ),
  resource(snapshot, 'VirtualMachineRestore', 'virtualmachinerestores', 'Namespaced'),
  resource(
    'clone.kubevirt.io/v1beta1',
    'VirtualMachineClone',
    'virtualmachineclones',
    'Namespaced',
  ),
  resource(instancetype, 'VirtualMachineInstancetype', 'virtualmachineinstancetypes', 'Namespaced'),
  resource(
    instancetype,
    'VirtualMachineClusterInstancetype',
    'virtualmachineclusterinstancetypes',
    'Cluster',
  ),
  resource(instancetype, 'VirtualMachinePreference', 'virtualmachinepreferences', 'Namespaced'),
  resource(
    instancetype,
    'VirtualMachineClusterPreference',
    'virtualmachineclusterpreferences',
    'Cluster',
  ),
  resource('cdi.kubevirt.io/v1beta1', 'DataVolume', 'datavolumes', 'Namespaced'),
  resource(
    'k8s.cni.cncf.io/v1',
    'NetworkAttachmentDefinition',
    'network-attachment-definitions',
    'Namespaced',
  ),
]
