// virt-api's discovery documents (kubevirt v1.9.0 `pkg/virt-api/api.go` `composeSubresources`):
// the root paths, the APIGroupList and APIGroup, and per version an APIResourceList naming each
// `resource/subresource` with no kind and no verbs, exactly as virt-api lists them (kubectl
// therefore never maps a kind to this group). kube-apiserver's aggregator reads
// `/apis/subresources.kubevirt.io/<version>` to decide the APIService is Available.
import { SUBRESOURCE_GROUP, SUBRESOURCE_VERSIONS } from '../kubevirt/subresources.ts'

/** The release the simulator stands in for (docs/KUBEVIRT-NOTES.md). */
export const KUBEVIRT_VERSION = 'v1.9.0'

const resourceNames = [
  'expand-vm-spec',
  'virtualmachineinstances/vnc',
  'virtualmachineinstances/vnc/screenshot',
  'virtualmachineinstances/console',
  'virtualmachineinstances/portforward',
  'virtualmachineinstances/backup',
  'virtualmachineinstances/redefine-checkpoint',
  'virtualmachineinstances/pause',
  'virtualmachineinstances/unpause',
  'virtualmachineinstances/freeze',
  'virtualmachineinstances/unfreeze',
  'virtualmachineinstances/reset',
  'virtualmachineinstances/softreboot',
  'virtualmachines/start',
  'virtualmachines/stop',
  'virtualmachines/restart',
  'virtualmachines/migrate',
  'virtualmachines/expand-spec',
  'virtualmachines/objectgraph',
  'virtualmachines/evacuate/cancel',
  'virtualmachineinstances/guestosinfo',
  'virtualmachineinstances/userlist',
  'virtualmachineinstances/filesystemlist',
  'virtualmachineinstances/addvolume',
  'virtualmachineinstances/removevolume',
  'virtualmachineinstances/objectgraph',
  'virtualmachineinstances/sev/fetchcertchain',
  'virtualmachineinstances/sev/querylaunchmeasurement',
  'virtualmachineinstances/sev/setupsession',
  'virtualmachineinstances/sev/injectlaunchsecret',
  'virtualmachineinstances/evacuate/cancel',
]

const versionRef = (version: string) => ({
  groupVersion: `${SUBRESOURCE_GROUP}/${version}`,
  version,
})

/** `subresourceAPIGroup()`; its `name` really is singular there ("subresource.kubevirt.io"). */
function apiGroup() {
  return {
    kind: 'APIGroup',
    name: 'subresource.kubevirt.io',
    versions: SUBRESOURCE_VERSIONS.map(versionRef),
    preferredVersion: versionRef(SUBRESOURCE_VERSIONS[0]),
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }],
  }
}

function resourceList(version: string) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${SUBRESOURCE_GROUP}/${version}`,
    // metav1.APIResource as Go marshals it: empty singularName and kind, null verbs.
    resources: resourceNames.map((name) => ({
      name,
      singularName: '',
      namespaced: true,
      kind: '',
      verbs: null,
    })),
  }
}

/**
 * `version.Get()` of virt-api (the BFF reads the KubeVirt version here): the release's tag and
 * commit; the build fields of a binary that does not exist stay empty.
 */
function versionInfo() {
  return {
    gitVersion: KUBEVIRT_VERSION,
    gitCommit: '79d34c1762169e5b0370ec491cef5ca12e6b504c',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: '',
    compiler: 'gc',
    platform: 'linux/amd64',
  }
}

/**
 * The discovery document at `pathname`, or undefined when it is not one. These are virt-api's
 * endpoints that need no authorization.
 */
export function discoveryDocument(pathname: string): unknown {
  const path = pathname.replace(/\/+$/, '') || '/'
  if (path === '/')
    return {
      paths: [
        '/apis',
        '/openapi/v2',
        ...SUBRESOURCE_VERSIONS.flatMap((v) => [
          `/apis/${SUBRESOURCE_GROUP}`,
          `/apis/${SUBRESOURCE_GROUP}/${v}`,
        ]),
      ],
    }
  if (path === '/apis') return { kind: 'APIGroupList', groups: [apiGroup()] }
  if (path === `/apis/${SUBRESOURCE_GROUP}`) return apiGroup()
  for (const version of SUBRESOURCE_VERSIONS) {
    const base = `/apis/${SUBRESOURCE_GROUP}/${version}`
    if (path === base) return resourceList(version)
    if (path === `${base}/version`) return versionInfo()
  }
  return undefined
}
