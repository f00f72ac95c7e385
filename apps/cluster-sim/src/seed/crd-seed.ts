import type { ResourceDef } from '../apiserver/registry.ts'
import type { SeedObject } from './seed-object.ts'

/**
 * One CustomResourceDefinition per custom kind, as virt-operator, cdi-operator, Multus and the
 * snapshotter install them: the served versions (storage = the registry's version), scope,
 * names, `/status` and `/scale`, printer columns. Schemas are left open here; validation of
 * KubeVirt and CDI objects reads the OpenAPI documents instead.
 */
export function crdSeed(defs: ResourceDef[]): SeedObject[] {
  return defs
    .filter((def) => def.crd)
    .map((def) => ({
      group: 'apiextensions.k8s.io',
      plural: 'customresourcedefinitions',
      object: crdObject(def),
    }))
}

export function crdObject(def: ResourceDef) {
  const names = {
    plural: def.plural,
    singular: def.singular,
    kind: def.kind,
    listKind: `${def.kind}List`,
    ...(def.shortNames?.length ? { shortNames: def.shortNames } : {}),
    ...(def.categories?.length ? { categories: def.categories } : {}),
  }
  const subresources = {
    ...(def.subresources?.includes('status') ? { status: {} } : {}),
    ...(def.subresources?.includes('scale')
      ? {
          scale: {
            specReplicasPath: '.spec.replicas',
            statusReplicasPath: '.status.replicas',
            labelSelectorPath: '.status.labelSelector',
          },
        }
      : {}),
  }
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${def.group}` },
    spec: {
      group: def.group,
      names,
      scope: def.namespaced ? 'Namespaced' : 'Cluster',
      versions: [def.version, ...(def.alsoServed ?? [])].map((name) => ({
        name,
        served: true,
        storage: name === def.version,
        schema: {
          openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
        ...(Object.keys(subresources).length ? { subresources } : {}),
        ...(def.printerColumns ? { additionalPrinterColumns: def.printerColumns } : {}),
      })),
    },
    status: {
      acceptedNames: names,
      storedVersions: [def.version],
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
    },
  } satisfies { apiVersion: string; kind: string; metadata: { name: string } } & Record<
    string,
    unknown
  >
}
