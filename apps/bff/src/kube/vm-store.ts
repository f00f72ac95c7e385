import type { KubernetesObject } from '@kubernetes/client-node'
import { vmKey, type VmChange, type VmSummary } from '@vmdeck/shared'
import { toVmSummary } from './view-models/vm-summary.ts'
import type { ResilientInformer } from './resilient-informer.ts'

/**
 * The shared live model of one cluster's VMs: one VM and one VMI informer (never one per
 * browser), kept as ready-made summaries so list queries do no mapping, and a change feed.
 */
export class VmStore {
  readonly #summaries = new Map<string, VmSummary>()
  readonly #perNamespace = new Map<string, number>()
  readonly #listeners = new Set<(change: VmChange) => void>()
  readonly #vms: ResilientInformer<KubernetesObject>
  readonly #vmis: ResilientInformer<KubernetesObject>

  constructor(vms: ResilientInformer<KubernetesObject>, vmis: ResilientInformer<KubernetesObject>) {
    this.#vms = vms
    this.#vmis = vmis
    for (const event of ['add', 'update'] as const) {
      this.#vms.on(event, (vm) =>
        this.#refresh(vm.metadata?.namespace ?? '', vm.metadata?.name ?? ''),
      )
      this.#vmis.on(event, (vmi) =>
        this.#refresh(vmi.metadata?.namespace ?? '', vmi.metadata?.name ?? ''),
      )
    }
    this.#vms.on('delete', (vm) =>
      this.#refresh(vm.metadata?.namespace ?? '', vm.metadata?.name ?? ''),
    )
    this.#vmis.on('delete', (vmi) =>
      this.#refresh(vmi.metadata?.namespace ?? '', vmi.metadata?.name ?? ''),
    )
  }

  get synced(): boolean {
    return this.#vms.synced && this.#vmis.synced
  }

  async start(): Promise<void> {
    await Promise.all([this.#vms.start(), this.#vmis.start()])
  }

  async stop(): Promise<void> {
    await Promise.all([this.#vms.stop(), this.#vmis.stop()])
  }

  summaries(): Iterable<VmSummary> {
    return this.#summaries.values()
  }

  get(namespace: string, name: string): VmSummary | undefined {
    return this.#summaries.get(vmKey({ namespace, name }))
  }

  subscribe(listener: (change: VmChange) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** A VM's summary depends on the VM and its VMI (same name): rebuild it from both caches. */
  #refresh(namespace: string, name: string): void {
    const key = vmKey({ namespace, name })
    const vm = this.#vms.get(name, namespace)
    if (!vm) {
      if (this.#summaries.delete(key)) {
        this.#count(namespace, -1)
        this.#emit({ type: 'delete', namespace, name })
      }
      return
    }
    const summary = toVmSummary(vm, this.#vmis.get(name, namespace))
    const previous = this.#summaries.get(key)
    if (previous && JSON.stringify(previous) === JSON.stringify(summary)) return
    if (!previous) this.#count(namespace, 1)
    this.#summaries.set(key, summary)
    this.#emit({ type: 'upsert', vm: summary })
  }

  /** Namespaces that hold VMs: the candidates of per-user visibility checks. */
  namespaces(): Iterable<string> {
    return this.#perNamespace.keys()
  }

  get size(): number {
    return this.#summaries.size
  }

  /** The raw VM and VMI, for the detail view and the YAML view. */
  objects(namespace: string, name: string): { vm?: KubernetesObject; vmi?: KubernetesObject } {
    return { vm: this.#vms.get(name, namespace), vmi: this.#vmis.get(name, namespace) }
  }

  #count(namespace: string, delta: number): void {
    const next = (this.#perNamespace.get(namespace) ?? 0) + delta
    if (next > 0) this.#perNamespace.set(namespace, next)
    else this.#perNamespace.delete(namespace)
  }

  #emit(change: VmChange): void {
    for (const listener of this.#listeners) listener(change)
  }
}
