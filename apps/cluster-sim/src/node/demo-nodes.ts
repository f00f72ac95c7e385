import type { NodeSpec } from './node-spec.ts'

/**
 * The demo fleet's hosts: three equal workers, each able to run KubeVirt guests, each with the
 * Linux bridge `br1` that the demo's bridge network uses (bridge-marker's device plugin advertises
 * a node's bridges as `bridge.network.kubevirt.io/<bridge>`; virt-controller makes a launcher
 * pod on that network request one).
 */
export function demoNodes(): NodeSpec[] {
  return ['node-1', 'node-2', 'node-3'].map((name) => ({
    name,
    labels: {},
    capacity: {
      cpu: '8',
      memory: '32Gi',
      pods: '110',
      'devices.kubevirt.io/kvm': '1k',
      'bridge.network.kubevirt.io/br1': '1k',
    },
  }))
}
