// The parts of a running VMI's status that virt-handler reports from the domain and the guest
// agent (kubevirt pkg/virt-handler/vm.go updateVMIStatus): interfaces, LiveMigratable,
// AgentConnected and Paused, guestOSInfo.
import type { ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import { specOf } from '../controllers/context.ts'
import type { ControllerStore } from '../controllers/controller-store.ts'
import { type Condition, macFrom, removeCondition, setCondition } from '../kubevirt/k8s-util.ts'

/** The access modes of a claim, from its PVC or the DataVolume that will make it. */
export type ClaimModes = (namespace: string, claim: string) => string[] | undefined

const statusOf = (vmi: KObject) =>
  (vmi.status ??= {}) as { conditions?: Condition[]; guestOSInfo?: Record<string, unknown> }

export function applyHandlerConditions(
  vmi: KObject,
  state: { migratable: Condition; agent: boolean; paused: boolean; kernelRelease: string },
): void {
  const status = statusOf(vmi)
  let conditions = setCondition(status.conditions ?? [], state.migratable)
  if (state.agent) {
    conditions = setCondition(conditions, { type: 'AgentConnected', status: 'True' })
    status.guestOSInfo = {
      id: 'debian',
      name: 'Debian GNU/Linux',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      version: '12 (bookworm)',
      versionId: '12',
      kernelRelease: state.kernelRelease,
      kernelVersion: '#1 SMP PREEMPT_DYNAMIC Debian',
      machine: 'x86_64',
    }
  } else {
    conditions = removeCondition(conditions, 'AgentConnected')
    status.guestOSInfo = {}
  }
  conditions = state.paused
    ? setCondition(conditions, {
        type: 'Paused',
        status: 'True',
        reason: 'PausedByUser',
        message: 'VMI was paused by user',
      })
    : removeCondition(conditions, 'Paused')
  status.conditions = conditions
}

/** LiveMigratable as virt-handler computes it, for the cases the simulator models. */
export function liveMigratable(vmi: KObject, claimModes: ClaimModes): Condition {
  const spec = specOf(vmi)
  const podNetwork = (spec.networks ?? []).find((n) => n.pod)
  const podIface = (spec.domain?.devices?.interfaces ?? []).find((i) => i.name === podNetwork?.name)
  if (
    podIface?.bridge &&
    vmi.metadata.annotations?.['kubevirt.io/allow-pod-bridge-network-live-migration'] === undefined
  ) {
    return {
      type: 'LiveMigratable',
      status: 'False',
      reason: 'InterfaceNotLiveMigratable',
      message:
        'cannot migrate VMI which does not use masquerade, bridge with kubevirt.io/allow-pod-bridge-network-live-migration VM annotation or a migratable plugin to connect to the pod network',
    }
  }
  for (const volume of spec.volumes ?? []) {
    const claim = volume.persistentVolumeClaim?.claimName ?? volume.dataVolume?.name
    if (!claim) continue
    const modes = claimModes(vmi.metadata.namespace ?? '', claim)
    if (modes && !modes.includes('ReadWriteMany')) {
      return {
        type: 'LiveMigratable',
        status: 'False',
        reason: 'DisksNotLiveMigratable',
        message: `cannot migrate VMI: PVC ${claim} is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)`,
      }
    }
  }
  return { type: 'LiveMigratable', status: 'True' }
}

export function claimAccessModes(
  store: Pick<ControllerStore, 'peek'>,
  defs: { pvc: ResourceDef | undefined; dv: ResourceDef | undefined },
  namespace: string,
  claim: string,
): string[] | undefined {
  const pvc = defs.pvc && store.peek(defs.pvc, namespace, claim)
  if (pvc) return (pvc.spec as { accessModes?: string[] } | undefined)?.accessModes
  const dv = defs.dv && store.peek(defs.dv, namespace, claim)
  if (dv) {
    const s = dv.spec as { storage?: { accessModes?: string[] }; pvc?: { accessModes?: string[] } }
    return s.storage?.accessModes ?? s.pvc?.accessModes
  }
  return undefined
}

/** A stable small number from a name's trailing digits (node-3 → 3), 1 without any. */
export function ordinalOf(name: string): number {
  const m = /(\d+)$/.exec(name)
  return m ? Number(m[1]) : 1
}

export function interfacesOf(
  vmi: KObject,
  podIP: string,
  agent: boolean,
): Record<string, unknown>[] {
  const spec = specOf(vmi)
  const networks = spec.networks ?? []
  return (spec.domain?.devices?.interfaces ?? []).map((iface, i) => {
    const network = networks.find((n) => n.name === iface.name)
    const mac =
      iface.macAddress ?? macFrom(`${vmi.metadata.namespace}/${vmi.metadata.name}/${iface.name}`)
    if (network?.multus) {
      const vlan = 100 + i
      const ip = `192.168.${vlan}.${(ordinalOf(vmi.metadata.name ?? '') % 200) + 20}`
      return {
        name: iface.name,
        mac,
        infoSource: agent ? 'domain, guest-agent, multus-status' : 'domain, multus-status',
        ...(agent ? { interfaceName: `eth${i}`, ipAddress: ip, ipAddresses: [ip] } : {}),
        linkState: 'up',
        podInterfaceName: `pod${createPodIfaceHash(iface.name)}`,
        queueCount: 1,
      }
    }
    return {
      name: iface.name,
      mac,
      ipAddress: podIP,
      ipAddresses: [podIP],
      infoSource: agent ? 'domain, guest-agent' : 'domain',
      ...(agent ? { interfaceName: `eth${i}` } : {}),
      linkState: 'up',
      podInterfaceName: 'eth0',
      queueCount: 1,
    }
  })
}

const createPodIfaceHash = (name: string) =>
  [...name]
    .reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)
    .toString(16)
    .slice(0, 11)

/**
 * A claim's access modes as virt-handler sees them: from the VMI's `status.volumeStatus`, where
 * virt-controller records each claim's `persistentVolumeClaimInfo` (virt-handler reads no claims).
 */
export function volumeStatusAccessModes(vmi: KObject): ClaimModes {
  const statuses =
    (
      vmi.status as
        | {
            volumeStatus?: {
              name: string
              persistentVolumeClaimInfo?: { claimName?: string; accessModes?: string[] }
            }[]
          }
        | undefined
    )?.volumeStatus ?? []
  return (_namespace, claim) =>
    statuses.find((v) => v.persistentVolumeClaimInfo?.claimName === claim)
      ?.persistentVolumeClaimInfo?.accessModes
}
