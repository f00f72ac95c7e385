import type { ResourceDef } from '../kube/registry.ts'

/**
 * The REST path of a resource, a namespace's collection or one object (and its subresource),
 * as kube-apiserver serves them: `/api/v1/...` for the core group, `/apis/<group>/<version>/...`.
 */
export function resourcePath(
  def: Pick<ResourceDef, 'group' | 'version' | 'plural' | 'namespaced'>,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  let path = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`
  if (def.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`
  path += `/${def.plural}`
  if (name !== undefined) path += `/${encodeURIComponent(name)}`
  if (subresource) path += `/${subresource}`
  return path
}
