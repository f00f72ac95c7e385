import type { KubernetesObject } from '@kubernetes/client-node'
import { vmKey, type VmChange, type VmSummary } from '@vmdeck/shared'
import type { ListWatch } from './list-watch.ts'
import { joinSummary, vmiPart, vmPart, vmPartOf, type VmiPart } from './view-models/vm-summary.ts'
import { SharedValues } from './vm-list/shared-values.ts'
import { VmIndex } from './vm-list/vm-index.ts'

export interface VmInstance {
  uid: string
  phase: string
}

export type VmObjects = { vm?: KubernetesObject; vmi?: KubernetesObject }
const NOT_RUNNING = vmiPart(undefined)

/**
 * The shared live model of one cluster's VMs: one VM and one VMI list-watch (never one per
 * browser), kept as ready-made summaries in the list's indexes so list queries do no mapping, and
 * a change feed. Only the rows are kept (plus the VMI's columns of each running VM): at 100,000
 * VMs the objects themselves would be most of the BFF's memory, so a route that shows one VM
 * reads it from the API server (`objects`).
 */
export class VmStore {
  readonly #index = new VmIndex()
  readonly #shared = new SharedValues()
  readonly #listeners = new Set<(change: VmChange) => void>()
  readonly #vms: ListWatch<unknown>
  readonly #vmis: ListWatch<unknown>
  readonly #vmiParts = new Map<string, VmiPart>()
  /** Each VMI's uid and phase: a restart is done when a new VMI runs. */
  readonly #instances = new Map<string, VmInstance>()
  readonly #fetch: (namespace: string, name: string) => Promise<VmObjects>

  constructor(
    vms: ListWatch<unknown>,
    vmis: ListWatch<unknown>,
    fetch: (namespace: string, name: string) => Promise<VmObjects>,
  ) {
    this.#vms = vms
    this.#vmis = vmis
    this.#fetch = fetch
    const where = (o: KubernetesObject) => ({
      namespace: o.metadata?.namespace ?? '',
      name: o.metadata?.name ?? '',
    })
    for (const event of ['add', 'update'] as const) {
      this.#vms.on(event, (vm) => {
        const at = where(vm)
        this.#put(joinSummary(vmPart(vm), this.#vmiParts.get(vmKey(at)) ?? NOT_RUNNING))
      })
      this.#vmis.on(event, (vmi) => {
        const object = vmi as { status?: { phase?: string } } & KubernetesObject
        this.#instances.set(vmKey(where(object)), {
          uid: object.metadata?.uid ?? '',
          phase: object.status?.phase ?? '',
        })
        this.#vmiChanged(where(vmi), vmiPart(vmi))
      })
    }
    this.#vms.on('delete', (vm) => {
      const { namespace, name } = where(vm)
      if (this.#index.delete(namespace, name)) this.#emit({ type: 'delete', namespace, name })
    })
    this.#vmis.on('delete', (vmi) => {
      this.#instances.delete(vmKey(where(vmi)))
      this.#vmiChanged(where(vmi), undefined)
    })
  }

  get synced(): boolean {
    return this.#vms.synced && this.#vmis.synced
  }

  /** The first lists are under way: the summaries hold the pages received so far. */
  get loading(): boolean {
    return !this.synced && (this.#vms.loading || this.#vmis.loading)
  }

  /** Called when both caches hold a full list (after the first list, and after each relist). */
  onSynced(listener: () => void): void {
    const both = () => {
      if (this.synced) listener()
    }
    this.#vms.onSynced(both)
    this.#vmis.onSynced(both)
  }

  async start(): Promise<void> {
    await Promise.all([this.#vms.start(), this.#vmis.start()])
  }

  async stop(): Promise<void> {
    await Promise.all([this.#vms.stop(), this.#vmis.stop()])
  }

  summaries(): Iterable<VmSummary> {
    return this.#index.values()
  }

  /** The summaries in every sort order, with per-status counts: what list queries read. */
  get index(): VmIndex {
    return this.#index
  }

  get(namespace: string, name: string): VmSummary | undefined {
    return this.#index.get(namespace, name)
  }

  /** The VM's current VMI: its uid and phase (KubeVirt's `status.phase`). */
  instance(namespace: string, name: string): VmInstance | undefined {
    return this.#instances.get(vmKey({ namespace, name }))
  }

  subscribe(listener: (change: VmChange) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** A VMI's columns changed: kept for when its VM arrives, and joined to its row if it has one. */
  #vmiChanged(at: { namespace: string; name: string }, part: VmiPart | undefined): void {
    const key = vmKey(at)
    if (part) this.#vmiParts.set(key, part)
    else this.#vmiParts.delete(key)
    const row = this.#index.get(at.namespace, at.name)
    if (row) this.#put(joinSummary(vmPartOf(row), part ?? NOT_RUNNING))
  }

  #put(built: VmSummary): void {
    const previous = this.#index.get(built.namespace, built.name)
    if (previous && JSON.stringify(previous) === JSON.stringify(built)) return
    const summary = this.#shared.row(built)
    this.#index.upsert(summary)
    this.#emit({ type: 'upsert', vm: summary })
  }

  /** Namespaces that hold VMs: the candidates of per-user visibility checks. */
  namespaces(): Iterable<string> {
    return this.#index.namespaces()
  }

  get size(): number {
    return this.#index.size
  }

  /**
   * The VM and VMI objects, for the routes that show or act on one VM: read from the API server
   * with the BFF's own identity (what the cache would have held), only for a VM the cache knows.
   */
  async objects(namespace: string, name: string): Promise<VmObjects> {
    if (!this.#index.get(namespace, name)) return {}
    return this.#fetch(namespace, name)
  }

  #emit(change: VmChange): void {
    for (const listener of this.#listeners) listener(change)
  }
}
