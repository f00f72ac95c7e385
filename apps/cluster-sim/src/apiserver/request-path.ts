/** A resource request decoded from its URL, as kube-apiserver's RequestInfoFactory does. */
export interface ResourcePath {
  group: string
  version: string
  namespace?: string
  plural: string
  name?: string
  subresource?: string
}

export type ParsedPath =
  | { type: 'resource'; path: ResourcePath }
  | { type: 'groupVersion'; group: string; version: string }
  | { type: 'group'; group: string }
  | { type: 'root'; which: 'api' | 'apis' | 'version' }
  | { type: 'other' }

export function parseRequestPath(pathname: string): ParsedPath {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent)
  if (pathname === '/version' || pathname === '/version/') return { type: 'root', which: 'version' }
  const [prefix, ...rest] = segments
  let group: string
  let version: string | undefined
  let tail: string[]
  if (prefix === 'api') {
    if (rest.length === 0) return { type: 'root', which: 'api' }
    group = ''
    ;[version, ...tail] = rest
  } else if (prefix === 'apis') {
    if (rest.length === 0) return { type: 'root', which: 'apis' }
    let g: string | undefined
    ;[g, version, ...tail] = rest
    group = g ?? ''
    if (version === undefined) return { type: 'group', group }
  } else {
    return { type: 'other' }
  }
  if (!version) return { type: 'other' }
  if (tail.length === 0) return { type: 'groupVersion', group, version }
  // `namespaces/{ns}/{plural}/…` is namespaced; `namespaces/{ns}` and its own subresources
  // (`status`, `finalize`) address the Namespace object itself.
  if (
    tail[0] === 'namespaces' &&
    tail.length >= 3 &&
    !(group === '' && tail.length === 3 && ['status', 'finalize'].includes(tail[2] ?? ''))
  ) {
    const [, namespace, plural = '', name, subresource] = tail
    return { type: 'resource', path: { group, version, namespace, plural, name, subresource } }
  }
  const [plural = '', name, subresource] = tail
  return { type: 'resource', path: { group, version, plural, name, subresource } }
}
