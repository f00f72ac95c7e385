import type { NodeSpec } from './node-spec.ts'

/** The demo fleet's hosts: three equal workers, each able to run KubeVirt guests. */
export function demoNodes(): NodeSpec[] {
  return ['node-1', 'node-2', 'node-3'].map((name) => ({
    name,
    labels: {},
    capacity: { cpu: '8', memory: '32Gi', pods: '110', 'devices.kubevirt.io/kvm': '1k' },
  }))
}
