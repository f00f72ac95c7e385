// A VirtualMachine as users write them: a containerDisk root disk, the pod network (masquerade),
// LiveMigrate, and optionally a cloud-init disk; sized by 1 core and 128Mi unless an
// instancetype sizes it. The demo's VMs and the tests' VMs are all made here.
import type { KObject } from '../kube/types.ts'

export interface VmManifestOptions {
  namespace: string
  name: string
  /** `Always` unless said otherwise. */
  runStrategy?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  /** A cluster instancetype: it gives the size (the domain then names no CPU or memory). */
  instancetype?: string
  /** A cluster preference. */
  preference?: string
  dataVolumeTemplates?: unknown[]
  /** Where the root disk comes from: a Fedora containerDisk unless said otherwise. */
  rootVolume?: Record<string, unknown>
  /** A second disk with cloud-init user data that sets the demo's password. */
  cloudInit?: boolean
  /** Secondary NICs: a bridge on each Multus network (a NetworkAttachmentDefinition). */
  bridges?: { name: string; networkName: string }[]
  /** Fields of the template's spec in place of the defaults (domain, networks, volumes …). */
  template?: Record<string, unknown>
}

const rootDisk = { name: 'rootdisk', disk: { bus: 'virtio' } }
const containerDisk = { containerDisk: { image: 'quay.io/containerdisks/fedora:41' } }
const cloudInitDisk = { name: 'cloudinit', disk: { bus: 'virtio' } }
const cloudInitVolume = {
  name: 'cloudinit',
  cloudInitNoCloud: {
    userData: '#cloud-config\npassword: fedora\nchpasswd: { expire: False }\n',
  },
}

export function vmManifest(options: VmManifestOptions): KObject {
  const { namespace, name, instancetype, preference, cloudInit = false, bridges = [] } = options
  const rootVolume = { name: 'rootdisk', ...(options.rootVolume ?? containerDisk) }
  const metadata: KObject['metadata'] = { name, namespace }
  if (options.labels) metadata.labels = options.labels
  if (options.annotations) metadata.annotations = options.annotations
  // A copy of its own, so no caller's change reaches the shared parts.
  return structuredClone({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata,
    spec: {
      runStrategy: options.runStrategy ?? 'Always',
      ...(instancetype
        ? { instancetype: { kind: 'VirtualMachineClusterInstancetype', name: instancetype } }
        : {}),
      ...(preference
        ? { preference: { kind: 'VirtualMachineClusterPreference', name: preference } }
        : {}),
      ...(options.dataVolumeTemplates ? { dataVolumeTemplates: options.dataVolumeTemplates } : {}),
      template: {
        metadata: { labels: { 'kubevirt.io/domain': name } },
        spec: {
          domain: {
            ...(instancetype ? {} : { cpu: { cores: 1 }, memory: { guest: '128Mi' } }),
            devices: {
              disks: cloudInit ? [rootDisk, cloudInitDisk] : [rootDisk],
              interfaces: [
                { name: 'default', masquerade: {} },
                ...bridges.map((b) => ({ name: b.name, bridge: {} })),
              ],
            },
          },
          networks: [
            { name: 'default', pod: {} },
            ...bridges.map((b) => ({ name: b.name, multus: { networkName: b.networkName } })),
          ],
          evictionStrategy: 'LiveMigrate',
          volumes: cloudInit ? [rootVolume, cloudInitVolume] : [rootVolume],
          ...options.template,
        },
      },
    },
  })
}
