import type { KObject } from './types.ts'

/** One served resource, described the way discovery and CRDs describe it. */
export interface ResourceDef {
  group: string // '' for the core group
  version: string
  /** Versions served besides `version`; objects are stored once, in `version`. */
  alsoServed?: string[]
  plural: string
  singular: string
  kind: string
  namespaced: boolean
  shortNames?: string[]
  categories?: string[]
  verbs?: string[]
  subresources?: ('status' | 'scale')[]
  /** Other subresources listed in discovery (e.g. `pods/eviction`), served by custom handlers. */
  extraSubresources?: {
    name: string
    kind: string
    verbs: string[]
    /** The group/version of the subresource's kind when it differs (`pods/eviction` → policy/v1). */
    group?: string
    version?: string
  }[]
  /** CRD additionalPrinterColumns (`kubectl get` columns after NAME). */
  printerColumns?: PrinterColumn[]
  /** Registered through a CustomResourceDefinition, as an operator would. */
  crd?: boolean
}

export interface PrinterColumn {
  name: string
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date'
  jsonPath: string
  /** For built-in kinds, whose printers compute cells (`1/1` ready containers) rather than read a path. */
  value?: (object: KObject) => unknown
  priority?: number
  description?: string
  format?: string
}

export const defaultVerbs = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
]

export const groupVersion = (def: Pick<ResourceDef, 'group' | 'version'>): string =>
  def.group ? `${def.group}/${def.version}` : def.version

/** The registry of served kinds: looked up by group + plural, listed for discovery. */
export class Registry {
  readonly defs: ResourceDef[] = []
  readonly #byKey = new Map<string, ResourceDef>()

  add(def: ResourceDef): void {
    this.defs.push(def)
    for (const version of [def.version, ...(def.alsoServed ?? [])]) {
      this.#byKey.set(`${def.group}/${version}/${def.plural}`, def)
    }
  }

  find(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.#byKey.get(`${group}/${version}/${plural}`)
  }

  byKind(group: string, kind: string): ResourceDef | undefined {
    return this.defs.find((def) => def.group === group && def.kind === kind)
  }

  groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>()
    for (const def of this.defs) {
      if (!def.group) continue
      const versions = groups.get(def.group) ?? []
      for (const version of [def.version, ...(def.alsoServed ?? [])]) {
        if (!versions.includes(version)) versions.push(version)
      }
      groups.set(def.group, versions)
    }
    return groups
  }
}
