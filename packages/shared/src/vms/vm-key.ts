/** The identity of a VM inside one cluster. */
export const vmKey = (vm: { namespace: string; name: string }): string =>
  `${vm.namespace}/${vm.name}`
