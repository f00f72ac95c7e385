import type { KObject } from '../apiserver/types.ts'

export interface SeedObject {
  group: string
  plural: string
  object: KObject
}

const namespaces = ['default', 'kube-system', 'kubevirt', 'prod', 'dev']
const nodes = ['node-1', 'node-2', 'node-3']

/** A VirtualMachine as users write them (API.md §9.1): containerDisk, cloud-init, pod network. */
export function demoVm(
  namespace: string,
  name: string,
  runStrategy: string,
  labels: Record<string, string> = {},
): KObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/part-of': 'vmdeck-demo', ...labels },
    },
    spec: {
      runStrategy,
      template: {
        metadata: { labels: { 'kubevirt.io/domain': name } },
        spec: {
          domain: {
            cpu: { cores: 1 },
            memory: { guest: '128Mi' },
            devices: {
              disks: [
                { name: 'rootdisk', disk: { bus: 'virtio' } },
                { name: 'cloudinit', disk: { bus: 'virtio' } },
              ],
              interfaces: [{ name: 'default', masquerade: {} }],
            },
          },
          networks: [{ name: 'default', pod: {} }],
          evictionStrategy: 'LiveMigrate',
          volumes: [
            { name: 'rootdisk', containerDisk: { image: 'quay.io/containerdisks/fedora:41' } },
            {
              name: 'cloudinit',
              cloudInitNoCloud: {
                userData: '#cloud-config\npassword: fedora\nchpasswd: { expire: False }\n',
              },
            },
          ],
        },
      },
    },
  }
}

export const demoVms: {
  namespace: string
  name: string
  runStrategy: string
  labels?: Record<string, string>
}[] = [
  { namespace: 'prod', name: 'web-01', runStrategy: 'Always', labels: { tier: 'web' } },
  { namespace: 'prod', name: 'web-02', runStrategy: 'Always', labels: { tier: 'web' } },
  { namespace: 'prod', name: 'db-01', runStrategy: 'Always', labels: { tier: 'db' } },
  { namespace: 'dev', name: 'build-runner', runStrategy: 'Halted', labels: { tier: 'ci' } },
  { namespace: 'dev', name: 'sandbox', runStrategy: 'Manual' },
  { namespace: 'default', name: 'jumpbox', runStrategy: 'Always' },
]

/** Namespaces, nodes and the demo VMs: what a small KubeVirt cluster holds on day one. */
export function demoSeed(): SeedObject[] {
  return [
    ...namespaces.map((name) => ({
      group: '',
      plural: 'namespaces',
      object: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
    })),
    ...nodes.map((name) => ({
      group: '',
      plural: 'nodes',
      object: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels: {
            'kubernetes.io/hostname': name,
            'kubernetes.io/os': 'linux',
            'kubevirt.io/schedulable': 'true',
          },
        },
        spec: {},
        status: {
          capacity: { cpu: '8', memory: '32Gi', pods: '110', 'devices.kubevirt.io/kvm': '1k' },
          allocatable: { cpu: '8', memory: '32Gi', pods: '110', 'devices.kubevirt.io/kvm': '1k' },
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
            },
          ],
          nodeInfo: {
            kubeletVersion: 'v1.32.0',
            osImage: 'Debian GNU/Linux 12 (bookworm)',
            architecture: 'amd64',
            operatingSystem: 'linux',
          },
        },
      },
    })),
    ...demoVms.map(({ namespace, name, runStrategy, labels }) => ({
      group: 'kubevirt.io',
      plural: 'virtualmachines',
      object: demoVm(namespace, name, runStrategy, labels),
    })),
  ]
}
