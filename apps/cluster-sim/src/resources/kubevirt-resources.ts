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
  ...kubevirtStorageAndTypeResources(),
]

/** Snapshots, restores, clones, instancetypes/preferences, CDI DataVolumes, Multus NADs (API.md §1). */
function kubevirtStorageAndTypeResources(): ResourceDef[] {
  const snapshot = (
    plural: string,
    kind: string,
    shortNames: string[],
    printerColumns: PrinterColumn[],
  ) =>
    crd({
      group: 'snapshot.kubevirt.io',
      version: 'v1beta1',
      alsoServed: ['v1alpha1'],
      plural,
      singular: plural.slice(0, -1),
      kind,
      namespaced: true,
      shortNames,
      subresources: ['status'],
      printerColumns,
    })
  const instancetype = (plural: string, kind: string, namespaced: boolean, shortNames: string[]) =>
    crd({
      group: 'instancetype.kubevirt.io',
      version: 'v1beta1',
      plural,
      singular: plural.slice(0, -1),
      kind,
      namespaced,
      shortNames,
    })
  return [
    snapshot(
      'virtualmachinesnapshots',
      'VirtualMachineSnapshot',
      ['vmsnapshot', 'vmsnapshots'],
      [
        { name: 'SourceKind', type: 'string', jsonPath: '.spec.source.kind' },
        { name: 'SourceName', type: 'string', jsonPath: '.spec.source.name' },
        { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        { name: 'ReadyToUse', type: 'boolean', jsonPath: '.status.readyToUse' },
        { name: 'CreationTime', type: 'date', jsonPath: '.status.creationTime' },
        { name: 'Error', type: 'string', jsonPath: '.status.error.message' },
      ],
    ),
    snapshot(
      'virtualmachinesnapshotcontents',
      'VirtualMachineSnapshotContent',
      ['vmsnapshotcontent', 'vmsnapshotcontents'],
      [
        { name: 'ReadyToUse', type: 'boolean', jsonPath: '.status.readyToUse' },
        { name: 'CreationTime', type: 'date', jsonPath: '.status.creationTime' },
        { name: 'Error', type: 'string', jsonPath: '.status.error.message' },
      ],
    ),
    snapshot(
      'virtualmachinerestores',
      'VirtualMachineRestore',
      ['vmrestore', 'vmrestores'],
      [
        { name: 'TargetKind', type: 'string', jsonPath: '.spec.target.kind' },
        { name: 'TargetName', type: 'string', jsonPath: '.spec.target.name' },
        { name: 'Complete', type: 'boolean', jsonPath: '.status.complete' },
        { name: 'RestoreTime', type: 'date', jsonPath: '.status.restoreTime' },
        { name: 'Error', type: 'string', jsonPath: '.status.error.message' },
      ],
    ),
    crd({
      group: 'clone.kubevirt.io',
      version: 'v1beta1',
      alsoServed: ['v1alpha1'],
      plural: 'virtualmachineclones',
      singular: 'virtualmachineclone',
      kind: 'VirtualMachineClone',
      namespaced: true,
      shortNames: ['vmclone', 'vmclones'],
      subresources: ['status'],
      printerColumns: [
        { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        { name: 'SourceVirtualMachine', type: 'string', jsonPath: '.spec.source.name' },
        { name: 'TargetVirtualMachine', type: 'string', jsonPath: '.spec.target.name' },
      ],
    }),
    instancetype('virtualmachineinstancetypes', 'VirtualMachineInstancetype', true, [
      'vminstancetype',
      'vminstancetypes',
      'vmf',
      'vmfs',
    ]),
    instancetype('virtualmachineclusterinstancetypes', 'VirtualMachineClusterInstancetype', false, [
      'vmclusterinstancetype',
      'vmclusterinstancetypes',
      'vmcf',
      'vmcfs',
    ]),
    instancetype('virtualmachinepreferences', 'VirtualMachinePreference', true, [
      'vmpref',
      'vmprefs',
      'vmp',
      'vmps',
    ]),
    instancetype('virtualmachineclusterpreferences', 'VirtualMachineClusterPreference', false, [
      'vmcp',
      'vmcps',
    ]),
    crd({
      group: 'cdi.kubevirt.io',
      version: 'v1beta1',
      plural: 'datavolumes',
      singular: 'datavolume',
      kind: 'DataVolume',
      namespaced: true,
      shortNames: ['dv', 'dvs'],
      subresources: ['status'],
      printerColumns: [
        { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        { name: 'Progress', type: 'string', jsonPath: '.status.progress' },
        { name: 'Restarts', type: 'integer', jsonPath: '.status.restartCount' },
        age,
      ],
    }),
    crd({
      group: 'k8s.cni.cncf.io',
      version: 'v1',
      plural: 'network-attachment-definitions',
      singular: 'network-attachment-definition',
      kind: 'NetworkAttachmentDefinition',
      namespaced: true,
      shortNames: ['net-attach-def'],
      categories: [],
    }),
  ]
}
