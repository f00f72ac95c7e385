import type { VlanNetworkForm } from '@vmdeck/shared'
import type { CatalogObject } from '../kube/api/catalog-requests.ts'
import { httpError } from '../kube/http-error.ts'

/** An instancetype's or preference's entry: its name, scope and (for instancetypes) size. */
export function toSizing(object: CatalogObject, clusterScoped: boolean) {
  const spec = object.spec as { cpu?: { guest?: number }; memory?: { guest?: string } } | undefined
  const displayName = object.metadata?.annotations?.['instancetype.kubevirt.io/displayName']
  return {
    name: object.metadata?.name ?? '',
    clusterScoped,
    ...(displayName ? { displayName } : {}),
    ...(spec?.cpu?.guest !== undefined ? { cpus: spec.cpu.guest } : {}),
    ...(spec?.memory?.guest ? { memory: spec.memory.guest } : {}),
  }
}

export function toDataSource(object: CatalogObject) {
  return {
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
    ready: (object.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  }
}

export function toStorageClass(object: CatalogObject) {
  const annotations = object.metadata?.annotations ?? {}
  return {
    name: object.metadata?.name ?? '',
    provisioner: object.provisioner ?? '',
    isDefault: annotations['storageclass.kubernetes.io/is-default-class'] === 'true',
    ...(object.volumeBindingMode ? { volumeBindingMode: object.volumeBindingMode } : {}),
    allowVolumeExpansion: object.allowVolumeExpansion === true,
  }
}

export function toNetwork(object: CatalogObject) {
  let config: { type?: unknown; vlan?: unknown } = {}
  try {
    const text = object.spec?.config
    config = (typeof text === 'string' ? JSON.parse(text) : {}) as typeof config
  } catch {
    // a NAD whose config is not JSON is listed without its type
  }
  return {
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
    ...(typeof config.type === 'string' ? { type: config.type } : {}),
    ...(typeof config.vlan === 'number' ? { vlan: config.vlan } : {}),
  }
}

/** A Secret that holds SSH public keys: an `ssh-auth` one, or one whose values are key lines. */
export function isSshKeySecret(object: CatalogObject): boolean {
  if (object.type === 'kubernetes.io/ssh-auth') return true
  const values = Object.values(object.data ?? {})
  return (
    values.length > 0 &&
    values.every((value) =>
      /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-|sk-)/.test(
        Buffer.from(value, 'base64').toString('utf8'),
      ),
    )
  )
}

export const MAX_VLANS_AT_ONCE = 64

/** The VLAN IDs a form asks for; out of 1–4094 or too many at once is a 400. */
export function vlanIds(form: VlanNetworkForm): number[] {
  const last = form.lastVlan ?? form.vlan
  for (const id of [form.vlan, last])
    if (!Number.isInteger(id) || id < 1 || id > 4094)
      throw httpError(
        400,
        `VLAN ID ${id} is out of range: VLAN IDs are 1 to 4094.`,
        'VLAN_OUT_OF_RANGE',
      )
  if (last < form.vlan)
    throw httpError(
      400,
      `The range ${form.vlan}–${last} ends before it starts.`,
      'VLAN_RANGE_INVALID',
    )
  if (last - form.vlan + 1 > MAX_VLANS_AT_ONCE)
    throw httpError(
      400,
      `At most ${MAX_VLANS_AT_ONCE} VLAN networks at once.`,
      'VLAN_RANGE_TOO_LARGE',
    )
  return Array.from({ length: last - form.vlan + 1 }, (_, i) => form.vlan + i)
}

/** A bridge NetworkAttachmentDefinition tagging one VLAN (the shape the demo's own VLANs have). */
export function vlanNetwork(namespace: string, name: string, vlan: number, bridge: string) {
  return {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: {
      name,
      namespace,
      annotations: { 'k8s.v1.cni.cncf.io/resourceName': `bridge.network.kubevirt.io/${bridge}` },
    },
    spec: {
      config: JSON.stringify({
        cniVersion: '0.3.1',
        name,
        type: 'bridge',
        bridge,
        vlan,
        macspoofchk: true,
        ipam: {},
      }),
    },
  }
}

/** VMs whose networks name a NAD, given as `name` or `namespace/name`. */
export function vmsUsingNetwork(
  vms: {
    metadata?: { name?: string }
    spec?: { template?: { spec?: { networks?: { multus?: { networkName?: string } }[] } } }
  }[],
  namespace: string,
  name: string,
): string[] {
  return vms
    .filter((vm) =>
      (vm.spec?.template?.spec?.networks ?? []).some((n) => {
        const ref = n.multus?.networkName
        return ref === name || ref === `${namespace}/${name}`
      }),
    )
    .map((vm) => vm.metadata?.name ?? '')
}
