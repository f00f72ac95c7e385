import type { KubernetesObject } from '@kubernetes/client-node'
import type { VmChange, VmSummary } from '@vmdeck/shared'
import { parseObject } from './compact-objects.ts'
import type { ListWatch } from './list-watch.ts'
import { toVmSummary } from './view-models/vm-summary.ts'
import { VmIndex } from './vm-list/vm-index.ts'

/**
 * The shared live model of one cluster's VMs: one VM and one VMI list-watch (never one per
 * browser), kept as ready-made summaries in the list's indexes so list queries do no mapping, and
 * a change feed. The VM and VMI objects themselves are kept as compact text for the routes that
 * show one VM.
 */
export class VmStore {
  readonly #index = new VmIndex()
  readonly #listeners = new Set<(change: VmChange) => void>()
  readonly #vms: ListWatch<string>
  readonly #vmis: ListWatch<string>

  constructor(vms: ListWatch<string>, vmis: ListWatch<string>) {
    this.#vms = vms
    this.#vmis = vmis
    const where = (o: KubernetesObject) => [o.metadata?.namespace ?? '', o.metadata?.name ?? '']
    for (const event of ['add', 'update'] as const) {
      this.#vms.on(event, (vm) => this.#refresh(where(vm), { vm }))
      this.#vmis.on(event, (vmi) => this.#refresh(where(vmi), { vmi }))
    }
    this.#vms.on('delete', (vm) => this.#refresh(where(vm), {}))
    this.#vmis.on('delete', (vmi) => this.#refresh(where(vmi), { vmi: undefined }))
  }

  get synced(): boolean {
    return this.#vms.synced && this.#vmis.synced
  }

  /** The first lists are under way: the summaries hold the pages received so far. */
  get loading(): boolean {
    return !this.synced && (this.#vms.loading || this.#vmis.loading)
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

  subscribe(listener: (change: VmChange) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * A VM's summary depends on the VM and its VMI (same name): rebuilt from the object the event
   * carries and the other one's cached text.
   */
  #refresh(
    [namespace = '', name = '']: string[],
    given: { vm?: KubernetesObject; vmi?: KubernetesObject },
  ): void {
    const vm = given.vm ?? parseObject(this.#vms.get(name, namespace))
    if (!vm) {
      if (this.#index.delete(namespace, name)) this.#emit({ type: 'delete', namespace, name })
      return
    }
    const vmi = 'vmi' in given ? given.vmi : parseObject(this.#vmis.get(name, namespace))
    const summary = toVmSummary(vm, vmi)
    const previous = this.#index.get(namespace, name)
    if (previous && JSON.stringify(previous) === JSON.stringify(summary)) return
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

  /** The VM and VMI, for the detail view and the YAML view (parsed from the cache, per call). */
  objects(namespace: string, name: string): { vm?: KubernetesObject; vmi?: KubernetesObject } {
    return {
      vm: parseObject(this.#vms.get(name, namespace)),
      vmi: parseObject(this.#vmis.get(name, namespace)),
    }
  }

  #emit(change: VmChange): void {
    for (const listener of this.#listeners) listener(change)
  }
}
