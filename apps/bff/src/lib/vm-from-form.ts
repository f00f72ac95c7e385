import type { VmCreateForm } from '@vmdeck/shared'
import type { VirtualMachine } from '../kube/types.ts'
import { httpError } from '../kube/http-error.ts'

// The only module that writes VirtualMachine objects: from the create form, and the copy a
// cross-namespace clone creates, in the shapes KubeVirt's user guide writes them (kubevirt.io/v1).

interface DataVolumeTemplate {
  metadata: { name: string }
  spec: Record<string, unknown>
}

const storage = (size: string | undefined, storageClass: string | undefined) => ({
  ...(storageClass ? { storageClassName: storageClass } : {}),
  ...(size ? { resources: { requests: { storage: size } } } : {}),
})

/** Cloud-config with every user value as a JSON (hence YAML) quoted string: no injection. */
function cloudConfig(cloudInit: NonNullable<VmCreateForm['cloudInit']>): string | undefined {
  const lines = ['#cloud-config']
  if (cloudInit.user) lines.push(`user: ${JSON.stringify(cloudInit.user)}`)
  if (cloudInit.password) {
    lines.push(`password: ${JSON.stringify(cloudInit.password)}`)
    lines.push('chpasswd: { expire: false }', 'ssh_pwauth: true')
  }
  if (cloudInit.sshAuthorizedKeys?.length) {
    lines.push('ssh_authorized_keys:')
    for (const key of cloudInit.sshAuthorizedKeys) lines.push(`  - ${JSON.stringify(key)}`)
  }
  return lines.length > 1 ? lines.join('\n') + '\n' : undefined
}

/**
 * The VirtualMachine a create form describes. Throws a 400 for combinations the schema cannot
 * express (duplicate disk or network names, two pod networks).
 */
export function vmFromForm(form: VmCreateForm): VirtualMachine & Record<string, unknown> {
  const { name, namespace } = form
  const disks: Record<string, unknown>[] = []
  const volumes: Record<string, unknown>[] = []
  const dataVolumeTemplates: DataVolumeTemplate[] = []
  const used = new Set<string>()
  const claim = (diskName: string) => {
    if (used.has(diskName))
      throw httpError(
        400,
        `Two disks are named "${diskName}"; disk names must be unique.`,
        'BAD_REQUEST',
      )
    used.add(diskName)
  }

  claim('rootdisk')
  disks.push({ name: 'rootdisk', disk: { bus: 'virtio' }, bootOrder: 1 })
  const boot = form.bootSource
  if (boot.type === 'containerDisk') {
    volumes.push({ name: 'rootdisk', containerDisk: { image: boot.image } })
  } else {
    const dvName = `${name}-rootdisk`
    const source =
      boot.type === 'url'
        ? { source: { http: { url: boot.url } } }
        : boot.type === 'pvc'
          ? { source: { pvc: { namespace: boot.namespace ?? namespace, name: boot.name } } }
          : {
              sourceRef: {
                kind: 'DataSource',
                name: boot.name,
                namespace: boot.namespace ?? namespace,
              },
            }
    dataVolumeTemplates.push({
      metadata: { name: dvName },
      spec: { ...source, storage: storage(boot.size, boot.storageClass) },
    })
    volumes.push({ name: 'rootdisk', dataVolume: { name: dvName } })
  }

  for (const disk of form.disks ?? []) {
    claim(disk.name)
    const dvName = `${name}-${disk.name}`
    disks.push({ name: disk.name, disk: { bus: disk.bus ?? 'virtio' } })
    dataVolumeTemplates.push({
      metadata: { name: dvName },
      spec: { source: { blank: {} }, storage: storage(disk.size, disk.storageClass) },
    })
    volumes.push({ name: disk.name, dataVolume: { name: dvName } })
  }

  const userData = form.cloudInit ? cloudConfig(form.cloudInit) : undefined
  if (userData) {
    claim('cloudinitdisk')
    disks.push({ name: 'cloudinitdisk', disk: { bus: 'virtio' } })
    volumes.push({ name: 'cloudinitdisk', cloudInitNoCloud: { userData } })
  }

  const networks = form.networks ?? [{ name: 'default', type: 'pod' as const }]
  const networkNames = new Set<string>()
  for (const network of networks) {
    if (networkNames.has(network.name))
      throw httpError(400, `Two networks are named "${network.name}".`, 'BAD_REQUEST')
    networkNames.add(network.name)
  }
  if (networks.filter((n) => n.type === 'pod').length > 1)
    throw httpError(400, 'A VM can join the pod network only once.', 'BAD_REQUEST')

  const compute = form.compute
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name,
      namespace,
      ...(form.labels && Object.keys(form.labels).length ? { labels: form.labels } : {}),
      ...(form.description ? { annotations: { description: form.description } } : {}),
    },
    spec: {
      runStrategy: form.startNow ? 'Always' : 'Halted',
      ...(compute.kind === 'instancetype'
        ? {
            instancetype: {
              kind:
                compute.clusterScoped === false
                  ? 'VirtualMachineInstancetype'
                  : 'VirtualMachineClusterInstancetype',
              name: compute.instancetype,
            },
          }
        : {}),
      ...(form.preference
        ? {
            preference: {
              kind:
                form.preference.clusterScoped === false
                  ? 'VirtualMachinePreference'
                  : 'VirtualMachineClusterPreference',
              name: form.preference.name,
            },
          }
        : {}),
      ...(dataVolumeTemplates.length ? { dataVolumeTemplates } : {}),
      template: {
        metadata: { labels: { 'kubevirt.io/domain': name } },
        spec: {
          ...(form.evictionStrategy ? { evictionStrategy: form.evictionStrategy } : {}),
          domain: {
            ...(compute.kind === 'custom'
              ? { cpu: { cores: compute.cpus }, memory: { guest: compute.memory } }
              : {}),
            devices: {
              disks,
              interfaces: networks.map((n) =>
                n.type === 'pod' ? { name: n.name, masquerade: {} } : { name: n.name, bridge: {} },
              ),
            },
          },
          networks: networks.map((n) =>
            n.type === 'pod'
              ? { name: n.name, pod: {} }
              : { name: n.name, multus: { networkName: n.networkName } },
          ),
          volumes,
        },
      },
    },
  } as VirtualMachine & Record<string, unknown>
}

interface VolumeSpec {
  name?: string
  dataVolume?: { name?: string }
  persistentVolumeClaim?: { claimName?: string }
  [key: string]: unknown
}

/**
 * A copy of `vm` for another namespace: disks backed by claims become DataVolumes that CDI clones
 * from the source claims; MAC addresses and firmware identity are dropped so the copy is new.
 */
export function cloneVmManifest(
  vm: VirtualMachine,
  target: { name: string; namespace: string; start: boolean },
): Record<string, unknown> {
  const sourceNamespace = vm.metadata?.namespace ?? ''
  const sourceName = vm.metadata?.name ?? ''
  const spec = structuredClone(vm.spec ?? {}) as Record<string, unknown> & {
    running?: unknown
    runStrategy?: string
    dataVolumeTemplates?: { metadata?: { name?: string }; spec?: Record<string, unknown> }[]
    template?: {
      metadata?: { labels?: Record<string, string> }
      spec?: {
        volumes?: VolumeSpec[]
        domain?: {
          firmware?: Record<string, unknown>
          devices?: { interfaces?: Record<string, unknown>[] }
        }
      }
    }
  }
  delete spec.running
  spec.runStrategy = target.start ? 'Always' : 'Halted'
  const owned = new Map(
    (spec.dataVolumeTemplates ?? []).map((t) => [t.metadata?.name ?? '', t.spec ?? {}]),
  )
  const templates: DataVolumeTemplate[] = []
  const renamed = (claimName: string) =>
    claimName.startsWith(sourceName) && claimName !== sourceName
      ? `${target.name}${claimName.slice(sourceName.length)}`
      : `${target.name}-${claimName}`
  for (const volume of spec.template?.spec?.volumes ?? []) {
    const claimName = volume.dataVolume?.name ?? volume.persistentVolumeClaim?.claimName
    if (!claimName) continue
    const ownedSpec = owned.get(claimName)
    const newName = renamed(claimName)
    templates.push({
      metadata: { name: newName },
      spec: {
        source: { pvc: { namespace: sourceNamespace, name: claimName } },
        storage: ownedSpec?.storage ?? {},
      },
    })
    delete volume.persistentVolumeClaim
    volume.dataVolume = { name: newName }
  }
  if (templates.length) spec.dataVolumeTemplates = templates
  else delete spec.dataVolumeTemplates
  const domain = spec.template?.spec?.domain
  if (domain?.firmware) {
    delete domain.firmware.uuid
    delete domain.firmware.serial
  }
  for (const iface of domain?.devices?.interfaces ?? []) delete iface.macAddress
  if (spec.template?.metadata?.labels?.['kubevirt.io/domain'])
    spec.template.metadata.labels['kubevirt.io/domain'] = target.name
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name: target.name,
      namespace: target.namespace,
      ...(vm.metadata?.labels ? { labels: vm.metadata.labels } : {}),
      annotations: { 'vmdeck.io/cloned-from': `${sourceNamespace}/${sourceName}` },
    },
    spec,
  }
}
