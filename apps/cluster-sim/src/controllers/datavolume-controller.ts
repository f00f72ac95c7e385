// CDI's DataVolume controller (docs/KUBEVIRT-NOTES.md#disks-and-networks): phases, "42.00%"
// progress, a bound PVC.
import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import { type Condition, phaseOf, setCondition, splitKey } from '../kubevirt/k8s-util.ts'
import {
  controllerOf,
  controllerRef,
  type PvcSpec,
  pvcPhase,
  sameJson,
  type StorageContext,
} from './storage-context.ts'

// CDI's annotations (containerized-data-importer pkg/controller/common/util.go).
const annPopulatedFor = 'cdi.kubevirt.io/storage.populatedFor'
const annPrePopulated = 'cdi.kubevirt.io/storage.prePopulated'
const annCreatedForDataVolume = 'cdi.kubevirt.io/createdForDataVolume'

interface DvStatus {
  phase?: string
  progress?: string
  claimName?: string
  restartCount?: number
  conditions?: Condition[]
}

interface DvSpec {
  source?: Record<string, { url?: string } | undefined>
  storage?: PvcSpec
  pvc?: PvcSpec
  contentType?: string
}

export class DataVolumeController {
  readonly #sc: StorageContext
  readonly #importing = new Set<string>()

  constructor(sc: StorageContext) {
    this.#sc = sc
  }

  async reconcile(key: string): Promise<void> {
    const def = this.#sc.defs.dv
    if (!def) return
    const [namespace, name] = splitKey(key)
    const { store } = this.#sc.ctx
    const stored = store.peek(def, namespace, name)
    if (!stored) return
    const dv = structuredClone(stored)
    const status = (dv.status ?? {}) as DvStatus
    const write = () => store.update(def, { ...dv, status }, { subresource: 'status' })
    const spec = (dv.spec ?? {}) as DvSpec
    switch (status.phase ?? '') {
      case '': {
        status.phase = 'Pending'
        status.progress = 'N/A'
        status.restartCount = 0
        status.conditions = [
          { type: 'Bound', status: 'False', reason: 'Pending', message: 'PVC Pending' },
          { type: 'Ready', status: 'False' },
          { type: 'Running', status: 'False' },
        ].reduce<Condition[]>((all, c) => setCondition(all, c as Condition), [])
        await write()
        return
      }
      case 'Pending': {
        const pvcDef = this.#sc.defs.pvc
        const pvc = pvcDef && store.peek(pvcDef, namespace, name)
        if (pvcDef && !pvc) {
          await store.create(pvcDef, this.#claimFor(dv))
          return // the claim's events bring us back
        }
        if (pvcDef && pvc) {
          if (controllerOf(pvc)?.uid !== dv.metadata.uid) {
            // A claim made for this DataVolume by someone else (a VM restore marks it
            // `populatedFor`): CDI adopts it and has nothing to import (controller-base.go
            // validatePVC / handlePrePopulation).
            const populated =
              pvc.metadata.annotations?.[annPopulatedFor] === name ||
              dv.metadata.annotations?.[annPrePopulated] !== undefined
            if (!populated || controllerOf(pvc)) {
              status.conditions = setCondition(status.conditions ?? [], {
                type: 'Bound',
                status: 'False',
                reason: 'ErrResourceExists',
                message: `Resource "${name}" already exists and is not managed by DataVolume`,
              })
              if (!sameJson(status, stored.status)) await write()
              return
            }
            const adopted = structuredClone(pvc)
            adopted.metadata.ownerReferences = [
              ...(adopted.metadata.ownerReferences ?? []),
              controllerRef(dv, 'cdi.kubevirt.io/v1beta1', 'DataVolume'),
            ]
            await store.update(pvcDef, adopted)
            return
          }
          if (pvcPhase(pvc) !== 'Bound') {
            // The controller manager binds the claim (to a volume the provisioner makes).
            status.conditions = setCondition(status.conditions ?? [], {
              type: 'Bound',
              status: 'False',
              reason: 'Pending',
              message: `PVC ${name} Pending`,
            })
            if (!sameJson(status, stored.status)) await write()
            return
          }
        }
        status.claimName = name
        const prePopulated = pvc?.metadata.annotations?.[annPopulatedFor] === name
        const done = !!spec.source?.blank || prePopulated
        status.phase = done ? 'Succeeded' : 'ImportScheduled'
        if (done) status.progress = prePopulated ? 'N/A' : '100.0%'
        status.conditions = setCondition(status.conditions ?? [], {
          type: 'Bound',
          status: 'True',
          reason: 'Bound',
          message: `PVC ${name} Bound`,
        })
        if (done)
          status.conditions = setCondition(status.conditions, { type: 'Ready', status: 'True' })
        await write()
        return
      }
      case 'ImportScheduled': {
        status.phase = 'ImportInProgress'
        status.progress = '0.00%'
        status.conditions = setCondition(status.conditions ?? [], {
          type: 'Running',
          status: 'True',
          reason: 'Pod is running',
        })
        await write()
        return
      }
      case 'ImportInProgress':
        this.#startImport(key, dv)
        return
      default:
    }
  }

  /**
   * The claim CDI makes for a DataVolume (controller-base.go newPersistentVolumeClaim). It is only
   * asked for: the controller manager binds it to a volume the StorageClass's provisioner makes,
   * and kube-apiserver's DefaultStorageClass admission fills in the class when the DataVolume
   * names none.
   */
  #claimFor(dv: KObject): KObject {
    const spec = (dv.spec ?? {}) as DvSpec
    const storage = spec.storage ?? spec.pvc ?? {}
    const size = storage.resources?.requests?.storage ?? '10Gi'
    const accessModes = storage.accessModes ?? ['ReadWriteOnce']
    const name = dv.metadata.name ?? ''
    const sourceKind = Object.keys(spec.source ?? {})[0] ?? 'none'
    const endpoint = Object.values(spec.source ?? {})[0]?.url
    const metadata: KObject['metadata'] = {
      name,
      namespace: dv.metadata.namespace,
      labels: {
        ...dv.metadata.labels,
        app: 'containerized-data-importer',
        'app.kubernetes.io/component': 'storage',
      },
      annotations: {
        ...dv.metadata.annotations,
        'cdi.kubevirt.io/storage.import.importPodName': `importer-${name}`,
        'cdi.kubevirt.io/storage.contentType': spec.contentType ?? 'kubevirt',
        'cdi.kubevirt.io/storage.import.source': sourceKind === 'blank' ? 'none' : sourceKind,
        ...(endpoint ? { 'cdi.kubevirt.io/storage.import.endpoint': endpoint } : {}),
        'cdi.kubevirt.io/storage.pod.restarts': '0',
        [annCreatedForDataVolume]: dv.metadata.uid ?? '',
      },
      ownerReferences: [controllerRef(dv, 'cdi.kubevirt.io/v1beta1', 'DataVolume')],
    }
    const claimSpec: PvcSpec = {
      accessModes,
      resources: { requests: { storage: size } },
      volumeMode: storage.volumeMode ?? 'Filesystem',
      ...(storage.storageClassName ? { storageClassName: storage.storageClassName } : {}),
    }
    return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: claimSpec }
  }

  /** An import "downloads" for `cdi.vmdeck.io/import-seconds` (simulator knob; default 20 s). */
  #startImport(key: string, dv: KObject): void {
    const def = this.#sc.defs.dv
    if (!def || this.#importing.has(key)) return
    this.#importing.add(key)
    const [namespace, name] = splitKey(key)
    const { store } = this.#sc.ctx
    const seconds = Number(dv.metadata.annotations?.['cdi.vmdeck.io/import-seconds'] ?? 20)
    const step = Math.max(500, (seconds * 1000) / 400)
    const tick = async () => {
      const latest = store.peek(def, namespace, name)
      if (
        !latest ||
        latest.metadata.uid !== dv.metadata.uid ||
        phaseOf(latest) !== 'ImportInProgress'
      ) {
        this.#importing.delete(key)
        return
      }
      const next = structuredClone(latest)
      const s = next.status as DvStatus
      const done = Number.parseFloat(s.progress ?? '0') || 0
      const progress = Math.min(100, done + (100 * step) / (seconds * 1000))
      const finished = progress >= 100
      if (finished) {
        s.phase = 'Succeeded'
        s.progress = '100.0%'
        s.conditions = setCondition(
          setCondition(s.conditions ?? [], {
            type: 'Running',
            status: 'False',
            reason: 'Completed',
          }),
          { type: 'Ready', status: 'True' },
        )
      } else s.progress = `${progress.toFixed(2)}%`
      try {
        await store.update(def, next, { subresource: 'status' })
      } catch (error) {
        // Lost a race (409) or the DataVolume went away (404): the reconciler starts over.
        this.#importing.delete(key)
        if (error instanceof StatusError && (error.code === 409 || error.code === 404)) {
          this.#sc.enqueue(def, namespace, name)
          return
        }
        throw error
      }
      if (finished) this.#importing.delete(key)
      else this.#sc.after(step, tick)
    }
    this.#sc.after(step, tick)
  }
}
