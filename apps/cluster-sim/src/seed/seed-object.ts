import type { KObject } from '../kube/types.ts'

/** One object a seed puts into the cluster, with the resource it belongs to. */
export interface SeedObject {
  group: string
  plural: string
  object: KObject
}
