/**
 * One simulated node: what a machine brings to the cluster before its kubelet starts. The node
 * agent turns it into the Node object a kubelet registers (see node-object.ts).
 */
export interface NodeSpec {
  name: string
  /** Labels beyond the ones every kubelet sets (hostname, os, arch) and KubeVirt's schedulable. */
  labels: Record<string, string>
  /**
   * The machine's nominal size: `cpu`, `memory` (e.g. `32Gi`), optionally `pods`,
   * `ephemeral-storage` and extended resources such as `devices.kubevirt.io/kvm`.
   */
  capacity: NodeCapacity
  /**
   * The loopback address the agent's kubelet API listens on and reports as the Node's InternalIP
   * (kube-apiserver dials it for `pods/log`); by default 127.0.0.(11 + the node's index).
   */
  ip?: string
}

export interface NodeCapacity {
  cpu: string
  memory: string
  [resource: string]: string
}
