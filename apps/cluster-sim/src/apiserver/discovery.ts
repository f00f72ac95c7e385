import { defaultVerbs, groupVersion, type Registry, type ResourceDef } from './registry.ts'

export const versionInfo = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-vmdeck-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
}

const apiResource = (def: ResourceDef) => ({
  name: def.plural,
  singularName: def.singular,
  namespaced: def.namespaced,
  kind: def.kind,
  verbs: def.verbs ?? defaultVerbs,
  ...(def.shortNames ? { shortNames: def.shortNames } : {}),
  ...(def.categories ? { categories: def.categories } : {}),
  storageVersionHash: '',
})

/** `GET /api/v1` or `/apis/{group}/{version}`: an APIResourceList with subresources as `plural/sub`. */
export function resourceList(registry: Registry, group: string, version: string) {
  const defs = registry.defs.filter(
    (d) => d.group === group && (d.version === version || d.alsoServed?.includes(version)),
  )
  if (defs.length === 0) return undefined
  const resources = defs.flatMap((def) => [
    // A def with no verbs only carries subresources (virt-api's aggregated group lists
    // `virtualmachines/start` etc., never `virtualmachines` itself).
    ...(def.verbs?.length === 0 ? [] : [apiResource(def)]),
    ...(def.subresources ?? []).map((sub) => ({
      name: `${def.plural}/${sub}`,
      singularName: '',
      namespaced: def.namespaced,
      kind: sub === 'scale' ? 'Scale' : def.kind,
      verbs: ['get', 'patch', 'update'],
    })),
    ...(def.extraSubresources ?? []).map((sub) => ({
      name: `${def.plural}/${sub.name}`,
      singularName: '',
      namespaced: def.namespaced,
      kind: sub.kind,
      verbs: sub.verbs,
      ...(sub.group !== undefined ? { group: sub.group, version: sub.version } : {}),
    })),
  ])
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources,
  }
}

export function apiGroupList(registry: Registry) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...registry.groups()].map(([name, versions]) => apiGroup(name, versions)),
  }
}

export function apiGroup(name: string, versions: string[]) {
  const preferred = versions[0] ?? 'v1'
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name,
    versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
    preferredVersion: { groupVersion: `${name}/${preferred}`, version: preferred },
  }
}

export const apiVersions = (serverAddress: string) => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
})
