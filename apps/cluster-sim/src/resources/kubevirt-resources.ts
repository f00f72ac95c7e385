import type { PrinterColumn, ResourceDef } from '../apiserver/registry.ts'

// Groups, versions, plurals, scopes, shortNames and printer columns from
// shared/kubevirt/API.md §1 (kubevirt v1.9.0 `crds.go`).
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }
const crd = (def: Omit<ResourceDef, 'crd'>): ResourceDef => ({
  crd: true,
  categories: ['all'],
  ...def,
})

export const kubevirtResources: ResourceDef[] = [
  crd({
    group: 'kubevirt.io',
    version: 'v1',
    alsoServed: ['v1alpha3'],
    plural: 'virtualmachines',
    singular: 'virtualmachine',
    kind: 'VirtualMachine',
    namespaced: true,
    shortNames: ['vm', 'vms'],
    subresources: ['status'],
    printerColumns: [
      age,
      {
        name: 'Status',
        type: 'string',
        jsonPath: '.status.printableStatus',
        description: 'Human Readable Status',
      },
      { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
    ],
  }),
  crd({
    group: 'kubevirt.io',
    version: 'v1',
    alsoServed: ['v1alpha3'],
    plural: 'virtualmachineinstances',
    singular: 'virtualmachineinstance',
    kind: 'VirtualMachineInstance',
    namespaced: true,
    shortNames: ['vmi', 'vmis'],
    printerColumns: [
      age,
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'IP', type: 'string', jsonPath: '.status.interfaces[0].ipAddress' },
      { name: 'NodeName', type: 'string', jsonPath: '.status.nodeName' },
      { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
      {
        name: 'Live-Migratable',
        type: 'string',
        jsonPath: ".status.conditions[?(@.type=='LiveMigratable')].status",
        priority: 1,
      },
      {
        name: 'Paused',
        type: 'string',
        jsonPath: ".status.conditions[?(@.type=='Paused')].status",
        priority: 1,
      },
    ],
  }),
  crd({
    group: 'kubevirt.io',
    version: 'v1',
    alsoServed: ['v1alpha3'],
    plural: 'virtualmachineinstancemigrations',
    singular: 'virtualmachineinstancemigration',
    kind: 'VirtualMachineInstanceMigration',
    namespaced: true,
    shortNames: ['vmim', 'vmims'],
    subresources: ['status'],
    printerColumns: [
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'VMI', type: 'string', jsonPath: '.spec.vmiName' },
    ],
  }),
]
