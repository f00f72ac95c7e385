import type { ObjectStore } from './object-store.ts'
import type { PrinterColumn, Registry, ResourceDef } from './registry.ts'
import type { KObject } from './types.ts'

interface CrdVersion {
  name: string
  served?: boolean
  storage?: boolean
  subresources?: { status?: unknown; scale?: unknown }
  additionalPrinterColumns?: PrinterColumn[]
}
interface CrdSpec {
  group: string
  scope: 'Namespaced' | 'Cluster'
  names: {
    plural: string
    singular?: string
    kind: string
    shortNames?: string[]
    categories?: string[]
  }
  versions: CrdVersion[]
}

/** The served kind a CustomResourceDefinition describes (its storage version first). */
export function defFromCrd(crd: KObject): ResourceDef | undefined {
  const spec = crd.spec as CrdSpec | undefined
  if (!spec?.group || !spec.names?.plural || !spec.names.kind) return undefined
  const served = (spec.versions ?? []).filter((v) => v.served !== false)
  const storage = served.find((v) => v.storage) ?? served[0]
  if (!storage) return undefined
  const subresources: ('status' | 'scale')[] = []
  if (storage.subresources?.status) subresources.push('status')
  if (storage.subresources?.scale) subresources.push('scale')
  return {
    group: spec.group,
    version: storage.name,
    alsoServed: served.filter((v) => v !== storage).map((v) => v.name),
    plural: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    kind: spec.names.kind,
    namespaced: spec.scope !== 'Cluster',
    ...(spec.names.shortNames ? { shortNames: spec.names.shortNames } : {}),
    ...(spec.names.categories ? { categories: spec.names.categories } : {}),
    ...(subresources.length ? { subresources } : {}),
    ...(storage.additionalPrinterColumns
      ? { printerColumns: storage.additionalPrinterColumns }
      : {}),
    crd: true,
  }
}

/**
 * apiextensions-apiserver's job: a CustomResourceDefinition created through the API starts being
 * served (discovery, REST, watch, OpenAPI) at once. The simulator's own kinds are already in the
 * registry, with their CRD objects seeded from it. Removing a CRD does not stop serving its kind.
 */
export function startCrdRegistrar(
  registry: Registry,
  store: ObjectStore,
  onServed: (def: ResourceDef) => void,
): () => void {
  const crds = registry.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')
  if (!crds) return () => undefined
  const serve = (crd: KObject) => {
    const def = defFromCrd(crd)
    if (!def || registry.find(def.group, def.version, def.plural)) return
    registry.add(def)
    onServed(def)
  }
  for (const crd of store.peekList(crds).items) serve(crd)
  return store.watch(crds, store.revision, (event) => {
    if (event.type !== 'DELETED') serve(event.object)
  })
}
