import type { Registry, ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import type { EventRecorder } from '../kubevirt/events.ts'
import type { GuestRuntime } from '../kubevirt/guest-runtime.ts'
import type { ControllerStore } from './controller-store.ts'
import type { PodIndex } from './pod-index.ts'

export interface KubevirtDefs {
  vm: ResourceDef
  vmi: ResourceDef
  vmim: ResourceDef
  pod: ResourceDef
  node: ResourceDef
  event: ResourceDef
  dv: ResourceDef | undefined
  pvc: ResourceDef | undefined
}

/** What every KubeVirt controller of the simulator shares. */
export interface KubevirtContext {
  registry: Registry
  store: ControllerStore
  defs: KubevirtDefs
  runtime: GuestRuntime
  events: EventRecorder
  pods: PodIndex
  enqueueVm(key: string): void
  enqueueVmi(key: string): void
  enqueueMigration(key: string): void
}

export function requireDef(registry: Registry, group: string, plural: string): ResourceDef {
  const def = registry.defs.find((d) => d.group === group && d.plural === plural)
  if (!def) throw new Error(`${plural}.${group} is not registered`)
  return def
}

export const findDef = (registry: Registry, group: string, plural: string) =>
  registry.defs.find((d) => d.group === group && d.plural === plural)

export function kubevirtDefs(registry: Registry): KubevirtDefs {
  return {
    vm: requireDef(registry, 'kubevirt.io', 'virtualmachines'),
    vmi: requireDef(registry, 'kubevirt.io', 'virtualmachineinstances'),
    vmim: requireDef(registry, 'kubevirt.io', 'virtualmachineinstancemigrations'),
    pod: requireDef(registry, '', 'pods'),
    node: requireDef(registry, '', 'nodes'),
    event: requireDef(registry, '', 'events'),
    dv: findDef(registry, 'cdi.kubevirt.io', 'datavolumes'),
    pvc: findDef(registry, '', 'persistentvolumeclaims'),
  }
}

/** Typed views of the KubeVirt objects the controllers read (only the fields they use). */
export interface VmiSpec {
  domain?: {
    cpu?: { cores?: number; sockets?: number; threads?: number }
    memory?: { guest?: string }
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
    devices?: {
      disks?: { name: string }[]
      interfaces?: { name: string; macAddress?: string; masquerade?: object; bridge?: object }[]
      autoattachSerialConsole?: boolean
      autoattachGraphicsDevice?: boolean
    }
    firmware?: { uuid?: string }
  }
  networks?: { name: string; pod?: object; multus?: { networkName: string } }[]
  volumes?: {
    name: string
    dataVolume?: { name: string }
    persistentVolumeClaim?: { claimName: string }
  }[]
  nodeSelector?: Record<string, string>
  evictionStrategy?: string
  terminationGracePeriodSeconds?: number
  startStrategy?: string
}

export const specOf = (object: KObject | undefined): VmiSpec =>
  (object?.spec as VmiSpec | undefined) ?? {}
