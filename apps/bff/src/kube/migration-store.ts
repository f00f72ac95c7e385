import type { KubernetesObject } from '@kubernetes/client-node'
import type { MigrationChange, VmMigration } from '@vmdeck/shared'
import { toVmMigration } from './view-models/vm-migration.ts'
import type { ListWatch } from './list-watch.ts'
import type { ResilientInformer } from './resilient-informer.ts'
import type { MigrationState, VirtualMachineInstanceMigration } from './types.ts'

/**
 * Live migrations of one cluster from one shared VirtualMachineInstanceMigration informer.
 * KubeVirt copies the migration state (nodes, start, end, mode) into the migration object only
 * once it is final; while it runs, the state lives in its VMI's status.migrationState, so a
 * running migration's view is joined with its VMI's (virt-controller, migration.go).
 */
export class MigrationStore {
  readonly #informer: ResilientInformer<KubernetesObject>
  readonly #views = new Map<string, VmMigration>()
  readonly #listeners = new Set<(change: MigrationChange) => void>()

  constructor(informer: ResilientInformer<KubernetesObject>, vmis: Pick<ListWatch<unknown>, 'on'>) {
    this.#informer = informer
    // Each VMI's migration state while it has one (the VMI cache itself keeps no objects).
    const states = new Map<string, MigrationState>()
    const vmiState = (vmim: VirtualMachineInstanceMigration): MigrationState | undefined => {
      const state = states.get(`${vmim.metadata?.namespace ?? ''}/${vmim.spec?.vmiName ?? ''}`)
      return state?.migrationUid === vmim.metadata?.uid ? state : undefined
    }
    const upsert = (object: KubernetesObject) => {
      const vmim = object as VirtualMachineInstanceMigration
      const view = toVmMigration(vmim, vmiState(vmim))
      const key = `${view.namespace}/${view.name}`
      const previous = this.#views.get(key)
      if (previous && JSON.stringify(previous) === JSON.stringify(view)) return
      this.#views.set(key, view)
      this.#emit({ type: 'upsert', migration: view })
    }
    // Migrations by uid, the key a VMI's migration state names them by.
    const byUid = new Map<string, KubernetesObject>()
    const indexed = (object: KubernetesObject) => {
      if (object.metadata?.uid) byUid.set(object.metadata.uid, object)
      upsert(object)
    }
    informer.on('add', indexed)
    informer.on('update', indexed)
    // A running migration moves on in its VMI's status: re-join the migration it names.
    const vmiChanged = (vmi: KubernetesObject) => {
      const key = `${vmi.metadata?.namespace ?? ''}/${vmi.metadata?.name ?? ''}`
      const state = (vmi as { status?: { migrationState?: MigrationState } }).status?.migrationState
      if (!state?.migrationUid) {
        states.delete(key)
        return
      }
      // KubeVirt leaves the last migration's state on the VMI after it ends: most VMI changes
      // carry the same state again, and need no work.
      const previous = states.get(key)
      if (previous && JSON.stringify(previous) === JSON.stringify(state)) return
      states.set(key, state)
      const vmim = byUid.get(state.migrationUid)
      if (vmim) upsert(vmim)
    }
    vmis.on('add', vmiChanged)
    vmis.on('update', vmiChanged)
    vmis.on('delete', (vmi) =>
      states.delete(`${vmi.metadata?.namespace ?? ''}/${vmi.metadata?.name ?? ''}`),
    )
    informer.on('delete', (object) => {
      if (object.metadata?.uid) byUid.delete(object.metadata.uid)
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
