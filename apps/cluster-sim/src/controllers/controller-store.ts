import type { ResourceDef } from '../apiserver/registry.ts'
import type { KObject, StoreEvent } from '../apiserver/types.ts'

/**
 * What KubeVirt's controllers in the simulator read and write: a cache read synchronously (as
 * client-go listers) and writes that may be asynchronous. Two implementations: the in-process
 * `ObjectStore` (old path, writes return at once) and `ClusterStore` (the real kube-apiserver,
 * writes are HTTP requests). Controllers always `await` writes, so both work.
 */
export interface ControllerStore {
  readonly revision: number
  peek(def: ResourceDef, namespace: string | undefined, name: string): KObject | undefined
  get(def: ResourceDef, namespace: string | undefined, name: string): KObject
  list(def: ResourceDef, namespace?: string): { items: KObject[]; revision: number }
  peekList(def: ResourceDef, namespace?: string): { items: KObject[]; revision: number }
  watch(def: ResourceDef, fromRevision: number, listener: (event: StoreEvent) => void): () => void
  create(def: ResourceDef, object: KObject): KObject | Promise<KObject>
  update(
    def: ResourceDef,
    object: KObject,
    options?: { subresource?: 'status' },
  ): KObject | Promise<KObject>
  patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    options?: { type?: 'merge' | 'json' | 'strategic'; subresource?: 'status' },
  ): Promise<KObject>
  delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    options?: { uid?: string; resourceVersion?: string },
  ): { object: KObject; finalized: boolean } | Promise<{ object: KObject; finalized: boolean }>
}
