// cdi-apiserver's discovery (CDI v1.66.0 `pkg/apiserver/apiserver.go` `composeUploadTokenAPI`,
// `uploadTokenAPIGroup`): the root paths, the APIGroupList and APIGroup of
// `upload.cdi.kubevirt.io`, and per version an APIResourceList with the one create-only kind.
// These answer without authorization (`authorizer.go` `isInfoEndpoint`); kube-apiserver's
// aggregator reads `/apis/upload.cdi.kubevirt.io/v1beta1` to decide the APIService is Available.

export const UPLOAD_GROUP = 'upload.cdi.kubevirt.io'
/** `uploadTokenVersions`. */
export const UPLOAD_VERSIONS = ['v1beta1'] as const
export const UPLOAD_RESOURCE = 'uploadtokenrequests'
export const UPLOAD_KIND = 'UploadTokenRequest'

const groupVersion = (version: string) => ({
  groupVersion: `${UPLOAD_GROUP}/${version}`,
  version,
})

function apiGroup() {
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: UPLOAD_GROUP,
    versions: UPLOAD_VERSIONS.map(groupVersion),
    preferredVersion: groupVersion(UPLOAD_VERSIONS[0]),
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }],
  }
}

function resourceList(version: string) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${UPLOAD_GROUP}/${version}`,
    resources: [
      {
        name: UPLOAD_RESOURCE,
        singularName: 'uploadtokenrequest',
        namespaced: true,
        group: UPLOAD_GROUP,
        version,
        kind: UPLOAD_KIND,
        verbs: ['create'],
        // Listed by cdi-apiserver's discovery (`composeUploadTokenAPI`); the kind has no CRD.
        shortNames: ['utr', 'utrs'],
      },
    ],
  }
}

/** The discovery document at `pathname`, or undefined when it is not one. */
export function discoveryDocument(pathname: string): unknown {
  const path = pathname.replace(/\/+$/, '') || '/'
  const versionPaths = UPLOAD_VERSIONS.map((v) => `/apis/${UPLOAD_GROUP}/${v}`)
  if (path === '/')
    return {
      paths: [
        '/apis',
        '/apis/',
        '/openapi/v2',
        `/apis/${UPLOAD_GROUP}`,
        '/healthz',
        ...versionPaths,
      ].sort(),
    }
  if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: [apiGroup()] }
  if (path === `/apis/${UPLOAD_GROUP}`) return apiGroup()
  const version = UPLOAD_VERSIONS.find((v) => path === `/apis/${UPLOAD_GROUP}/${v}`)
  return version ? resourceList(version) : undefined
}
