// The KubeVirt side of the demo fleet: a common set of cluster-wide instancetypes and
// preferences (as kubevirt/common-instancetypes ships them), VLAN NetworkAttachmentDefinitions,
// and VMs in the states a real cluster shows: one paused, one provisioning (a DataVolume still
// importing), one that does not fit any node, plus a snapshot; and the cluster's storage classes.
import type { SeedObject } from './seed-object.ts'
import { demoStorage } from './demo-storage.ts'
import { vmManifest, type VmManifestOptions } from './vm-manifest.ts'

const vendor = {
  'instancetype.kubevirt.io/vendor': 'kubevirt.io',
  'instancetype.kubevirt.io/common-instancetypes-version': 'v1.3.1',
}

function instancetype(
  name: string,
  cpus: number,
  memory: string,
  cls: string,
  description: string,
  extra: Record<string, unknown> = {},
): SeedObject {
  const [series, size] = name.split('.')
  return {
    group: 'instancetype.kubevirt.io',
    plural: 'virtualmachineclusterinstancetypes',
    object: {
      apiVersion: 'instancetype.kubevirt.io/v1beta1',
      kind: 'VirtualMachineClusterInstancetype',
      metadata: {
        name,
        labels: {
          ...vendor,
          'instancetype.kubevirt.io/class': cls,
          'instancetype.kubevirt.io/cpu': String(cpus),
          'instancetype.kubevirt.io/memory': memory,
          'instancetype.kubevirt.io/size': size ?? '',
          'instancetype.kubevirt.io/version': '1',
        },
        annotations: {
          'instancetype.kubevirt.io/description': description,
          'instancetype.kubevirt.io/displayName': `${series?.toUpperCase() ?? ''} ${cls}`,
        },
      },
      spec: { cpu: { guest: cpus }, memory: { guest: memory }, ...extra },
    },
  }
}

function preference(
  name: string,
  displayName: string,
  memory: string,
  extra: Record<string, unknown> = {},
): SeedObject {
  return {
    group: 'instancetype.kubevirt.io',
    plural: 'virtualmachineclusterpreferences',
    object: {
      apiVersion: 'instancetype.kubevirt.io/v1beta1',
      kind: 'VirtualMachineClusterPreference',
      metadata: {
        name,
        labels: {
          ...vendor,
          'instancetype.kubevirt.io/os-type': name.startsWith('windows') ? 'windows' : 'linux',
        },
        annotations: {
          'openshift.io/display-name': displayName,
          'openshift.io/documentation-url': 'https://github.com/kubevirt/common-instancetypes',
        },
      },
      spec: {
        devices: {
          preferredDiskBus: 'virtio',
          preferredInterfaceModel: 'virtio',
          preferredRng: {},
        },
        requirements: { cpu: { guest: 1 }, memory: { guest: memory } },
        ...extra,
      },
    },
  }
}

const general =
  'The U Series is quite neutral and provides resources for general purpose applications.'
const overcommitted =
  'The O Series is based on the U Series, with the only difference being that memory is overcommitted.'
const compute =
  'The CX Series provides exclusive compute resources for compute intensive applications.'
const memory = 'The M Series provides resources for memory intensive applications.'

function nad(namespace: string, name: string, vlan: number): SeedObject {
  return {
    group: 'k8s.cni.cncf.io',
    plural: 'network-attachment-definitions',
    object: {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: {
        name,
        namespace,
        annotations: { 'k8s.v1.cni.cncf.io/resourceName': 'bridge.network.kubevirt.io/br1' },
      },
      spec: {
        config: JSON.stringify({
          cniVersion: '0.3.1',
          name,
          type: 'bridge',
          bridge: 'br1',
          vlan,
          macspoofchk: true,
          ipam: {},
        }),
      },
    },
  }
}

/** A demo VM sized by an instancetype, with the annotations of a Fedora server template. */
function vm(options: Omit<VmManifestOptions, 'cloudInit'>): SeedObject {
  const object = vmManifest({
    ...options,
    labels: { 'app.kubernetes.io/part-of': 'vmdeck-demo', ...options.labels },
    annotations: { 'vm.kubevirt.io/os': 'fedora', 'vm.kubevirt.io/workload': 'server' },
    cloudInit: true,
  })
  return { group: 'kubevirt.io', plural: 'virtualmachines', object }
}

export function demoKubevirtExtras(): SeedObject[] {
  return [
    // StorageClasses first: DataVolumes ask for them (the default one when they name none).
    ...demoStorage(),
    instancetype('u1.nano', 1, '512Mi', 'general.purpose', general),
    instancetype('u1.micro', 1, '1Gi', 'general.purpose', general),
    instancetype('u1.small', 1, '2Gi', 'general.purpose', general),
    instancetype('u1.medium', 1, '4Gi', 'general.purpose', general),
    instancetype('u1.2xmedium', 2, '4Gi', 'general.purpose', general),
    instancetype('u1.large', 2, '8Gi', 'general.purpose', general),
    instancetype('u1.xlarge', 4, '16Gi', 'general.purpose', general),
    instancetype('u1.2xlarge', 8, '32Gi', 'general.purpose', general),
    instancetype('o1.small', 1, '2Gi', 'overcommitted', overcommitted, {
      memory: { guest: '2Gi', overcommitPercent: 50 },
    }),
    instancetype('o1.medium', 1, '4Gi', 'overcommitted', overcommitted, {
      memory: { guest: '4Gi', overcommitPercent: 50 },
    }),
    instancetype('o1.large', 2, '8Gi', 'overcommitted', overcommitted, {
      memory: { guest: '8Gi', overcommitPercent: 50 },
    }),
    instancetype('cx1.medium', 1, '2Gi', 'compute.exclusive', compute, {
      cpu: { guest: 1, dedicatedCPUPlacement: true, isolateEmulatorThread: true },
      memory: { guest: '2Gi', hugepages: { pageSize: '2Mi' } },
    }),
    instancetype('cx1.large', 2, '4Gi', 'compute.exclusive', compute, {
      cpu: { guest: 2, dedicatedCPUPlacement: true, isolateEmulatorThread: true },
      memory: { guest: '4Gi', hugepages: { pageSize: '2Mi' } },
    }),
    instancetype('cx1.xlarge', 4, '8Gi', 'compute.exclusive', compute, {
      cpu: { guest: 4, dedicatedCPUPlacement: true, isolateEmulatorThread: true },
      memory: { guest: '8Gi', hugepages: { pageSize: '2Mi' } },
    }),
    instancetype('m1.large', 2, '16Gi', 'memory.intensive', memory, {
      memory: { guest: '16Gi', hugepages: { pageSize: '2Mi' } },
    }),
    instancetype('m1.xlarge', 4, '32Gi', 'memory.intensive', memory, {
      memory: { guest: '32Gi', hugepages: { pageSize: '2Mi' } },
    }),
    preference('fedora', 'Fedora (amd64)', '2Gi'),
    preference('rhel.9', 'Red Hat Enterprise Linux 9 (amd64)', '1.5Gi'),
    preference('centos.stream9', 'CentOS Stream 9', '1.5Gi'),
    preference('ubuntu', 'Ubuntu', '1.5Gi'),
    preference('debian', 'Debian', '1Gi'),
    preference('cirros', 'Cirros', '256Mi'),
    preference('windows.2k22', 'Microsoft Windows Server 2022', '4Gi', {
      clock: {
        preferredClockOffset: { utc: {} },
        preferredTimer: {
          hpet: { present: false },
          hyperv: {},
          pit: { tickPolicy: 'delay' },
          rtc: { tickPolicy: 'catchup' },
        },
      },
      devices: { preferredDiskBus: 'sata', preferredInterfaceModel: 'e1000e', preferredTPM: {} },
    }),
    nad('prod', 'vlan100-net', 100),
    nad('prod', 'vlan200-net', 200),
    nad('default', 'vlan100-net', 100),
    // Paused at start (startStrategy Paused): a real guest, stopped before its first instruction.
    vm({
      namespace: 'prod',
      name: 'cache-01',
      instancetype: 'u1.small',
      preference: 'fedora',
      labels: { tier: 'cache' },
      bridges: [{ name: 'vlan100', networkName: 'vlan100-net' }],
      template: { startStrategy: 'Paused' },
    }),
    // Provisioning: its root disk is a DataVolume that imports for an hour.
    vm({
      namespace: 'prod',
      name: 'analytics',
      instancetype: 'u1.medium',
      preference: 'fedora',
      labels: { tier: 'analytics' },
      dataVolumeTemplates: [
        {
          metadata: {
            name: 'analytics-rootdisk',
            annotations: { 'cdi.vmdeck.io/import-seconds': '3600' },
          },
          spec: {
            source: {
              http: {
                url: 'https://download.fedoraproject.org/pub/fedora/linux/releases/41/Cloud/x86_64/images/Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2',
              },
            },
            storage: {
              accessModes: ['ReadWriteMany'],
              resources: { requests: { storage: '30Gi' } },
            },
          },
        },
      ],
      rootVolume: { dataVolume: { name: 'analytics-rootdisk' } },
    }),
    // Fits no node (32 GiB guest + overhead on 32 GiB nodes): ErrorUnschedulable.
    vm({
      namespace: 'dev',
      name: 'bigmem-test',
      instancetype: 'm1.xlarge',
      labels: { tier: 'ci' },
    }),
    {
      group: 'snapshot.kubevirt.io',
      plural: 'virtualmachinesnapshots',
      object: {
        apiVersion: 'snapshot.kubevirt.io/v1beta1',
        kind: 'VirtualMachineSnapshot',
        metadata: { name: 'db-01-before-upgrade', namespace: 'prod' },
        spec: {
          source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'db-01' },
          deletionPolicy: 'Delete',
          failureDeadline: '5m',
        },
      },
    },
  ]
}
