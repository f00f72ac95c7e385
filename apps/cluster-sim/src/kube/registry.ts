/**
 * One resource the simulator reads or writes: where kube-apiserver serves it, in the version the
 * simulator uses. What the resource is (schema, printer columns, short names) is kube-apiserver's
 * and the CRDs' business (the control plane installs the generated CRDs, `--crd-dir`).
 */
export interface ResourceDef {
  group: string // '' for the core group
  version: string
  plural: string
  kind: string
  namespaced: boolean
}

/**
 * A resource by its `apiVersion` as objects carry it (`v1`, `kubevirt.io/v1`), its kind, plural
 * and scope.
 */
export function resource(
  apiVersion: string,
  kind: string,
  plural: string,
  scope: 'Namespaced' | 'Cluster',
): ResourceDef {
  const slash = apiVersion.lastIndexOf('/')
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: apiVersion.slice(slash + 1),
    plural,
    kind,
    namespaced: scope === 'Namespaced',
  }
}

/** The resources the simulator knows, looked up by group, version and plural. */
export class Registry {
  readonly defs: ResourceDef[] = []
  readonly #byKey = new Map<string, ResourceDef>()

  add(def: ResourceDef): void {
    this.defs.push(def)
    this.#byKey.set(`${def.group}/${def.version}/${def.plural}`, def)
  }

  find(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.#byKey.get(`${group}/${version}/${plural}`)
  }
}
