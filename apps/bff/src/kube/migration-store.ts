import type { KubernetesObject } from '@kubernetes/client-node'
import type { MigrationChange, VmMigration } from '@vmdeck/shared'
import { toVmMigration } from './view-models/vm-migration.ts'
import type { ResilientInformer } from './resilient-informer.ts'

/** Live migrations of one cluster from one shared VirtualMachineInstanceMigration informer. */
export class MigrationStore {
  readonly #informer: ResilientInformer<KubernetesObject>
  readonly #views = new Map<string, VmMigration>()
  readonly #listeners = new Set<(change: MigrationChange) => void>()

  constructor(informer: ResilientInformer<KubernetesObject>) {
    this.#informer = informer
    const upsert = (object: KubernetesObject) => {
      const view = toVmMigration(object)
      const key = `${view.namespace}/${view.name}`
      const previous = this.#views.get(key)
      if (previous && JSON.stringify(previous) === JSON.stringify(view)) return
      this.#views.set(key, view)
      this.#emit({ type: 'upsert', migration: view })
    }
    informer.on('add', upsert)
    informer.on('update', upsert)
    informer.on('delete', (object) => {
      const namespace = object.metadata?.namespace ?? ''
      const name = object.metadata?.name ?? ''
      if (this.#views.delete(`${namespace}/${name}`))
        this.#emit({ type: 'delete', namespace, name })
    })
  }

  get synced(): boolean {
    return this.#informer.synced
  }

  list(): Iterable<VmMigration> {
    return this.#views.values()
  }

  get(namespace: string, name: string): VmMigration | undefined {
    return this.#views.get(`${namespace}/${name}`)
  }

  /** The latest migration of a VM (its VMI has the VM's name): the active one, else the newest. */
  latestFor(namespace: string, vmName: string): VmMigration | undefined {
    let latest: VmMigration | undefined
    for (const m of this.#views.values()) {
      if (m.namespace !== namespace || m.vmName !== vmName) continue
      if (
        !latest ||
        (m.active && !latest.active) ||
        (m.active === latest.active && m.createdAt > latest.createdAt)
      )
        latest = m
    }
    return latest
  }

  subscribe(listener: (change: MigrationChange) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #emit(change: MigrationChange): void {
    for (const listener of this.#listeners) listener(change)
  }
}
