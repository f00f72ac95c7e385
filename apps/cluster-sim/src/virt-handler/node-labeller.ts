// virt-handler's node labeller (kubevirt pkg/virt-handler/node-labeller): labels the node with
// what its hypervisor offers, which virt-controller turns into launcher pods' node selectors.
// A migration's target pod must land on a node offering the VMI's machine type
// (`machine-type.node.kubevirt.io/<type>`), so every node here offers the one our QEMU runs.

/** The machine type the domains here run with (reported in the VMI's status.machine). */
export const MACHINE_TYPE = 'pc-q35-rhel9.6.0'

export const nodeLabels = (): Record<string, string> => ({
  [`machine-type.node.kubevirt.io/${MACHINE_TYPE}`]: 'true',
  'machine-type.node.kubevirt.io/q35': 'true',
})
