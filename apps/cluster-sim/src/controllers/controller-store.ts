import type { ResourceDef } from '../kube/registry.ts'
import type { KObject, StoreEvent } from '../kube/types.ts'

/** How a patch is written: its content type (merge, JSON or strategic merge patch). */
export type PatchType = 'merge' | 'json' | 'strategic'

/**
 * What KubeVirt's controllers in the simulator read and write, as client-go's listers and REST
 * clients are to KubeVirt's: a cache read synchronously and asynchronous writes to kube-apiserver
 * (a `ClusterStore`). Code that needs less says so with a `Pick` of it.
 */
export interface ControllerStore {
  readonly revision: number
  peek(def: ResourceDef, namespace: string | undefined, name: string): KObject | undefined
  get(def: ResourceDef, namespace: string | undefined, name: string): KObject
  list(def: ResourceDef, namespace?: string): { items: KObject[]; revision: number }
  peekList(def: ResourceDef, namespace?: string): { items: KObject[]; revision: number }
  watch(def: ResourceDef, fromRevision: number, listener: (event: StoreEvent) => void): () => void
  /** A fresh read from kube-apiserver, past the cache. */
  read(def: ResourceDef, namespace: string | undefined, name: string): Promise<KObject>
  create(def: ResourceDef, object: KObject): Promise<KObject>
  update(def: ResourceDef, object: KObject, options?: { subresource?: 'status' }): Promise<KObject>
  patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    options?: { type?: PatchType; subresource?: 'status' },
  ): Promise<KObject>
  delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    options?: { uid?: string; resourceVersion?: string; gracePeriodSeconds?: number },
  ): Promise<{ object: KObject; finalized: boolean }>
}
