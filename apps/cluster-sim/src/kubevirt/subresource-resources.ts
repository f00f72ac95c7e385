import type { ResourceDef } from '../apiserver/registry.ts'

// virt-api's aggregated group (API.md §2): discovery lists only `resource/subresource` entries;
// the requests themselves are served by subresources.ts. `verbs: []` keeps the bare
// `virtualmachines` out of discovery so kubectl never maps `vm` to this group.
const sub = (name: string, verbs: string[]) => ({ name, kind: 'VirtualMachine', verbs })

export const kubevirtSubresourceResources: ResourceDef[] = [
  {
    group: 'subresources.kubevirt.io',
    version: 'v1',
    alsoServed: ['v1alpha3'],
    plural: 'virtualmachines',
    singular: '',
    kind: 'VirtualMachine',
    namespaced: true,
    verbs: [],
    crd: false,
    extraSubresources: [
      ...['start', 'stop', 'restart', 'migrate', 'addvolume', 'removevolume', 'memorydump'].map(
        (n) => sub(n, ['update']),
      ),
      sub('expand-spec', ['get']),
      sub('portforward', ['get']),
      sub('objectgraph', ['get']),
    ],
  },
  {
    group: 'subresources.kubevirt.io',
    version: 'v1',
    alsoServed: ['v1alpha3'],
    plural: 'virtualmachineinstances',
    singular: '',
    kind: 'VirtualMachineInstance',
    namespaced: true,
    verbs: [],
    crd: false,
    extraSubresources: [
      ...[
        'pause',
        'unpause',
        'reset',
        'softreboot',
        'freeze',
        'unfreeze',
        'addvolume',
        'removevolume',
      ].map((n) => ({ name: n, kind: 'VirtualMachineInstance', verbs: ['update'] })),
      ...[
        'console',
        'vnc',
        'vnc/screenshot',
        'portforward',
        'guestosinfo',
        'userlist',
        'filesystemlist',
        'usbredir',
      ].map((n) => ({ name: n, kind: 'VirtualMachineInstance', verbs: ['get'] })),
    ],
  },
]
