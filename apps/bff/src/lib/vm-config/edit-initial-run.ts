import { dumpYaml, loadYaml } from '@kubernetes/client-node'
import type { VmInitialRunChange } from '@vmdeck/shared'
import { httpError } from '../../kube/http-error.ts'
import type { EditableVm, VolumeSource } from './vm-shape.ts'

const CLOUD_CONFIG = '#cloud-config'

/** Parses cloud-init YAML, or says where it is wrong (before anything is sent). */
function parse(text: string, what: string): unknown {
  try {
    return loadYaml(text)
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err)
    throw httpError(400, `The ${what} is not valid YAML: ${reason}`, 'INVALID_CLOUD_INIT')
  }
}

/** The user data with `ssh_authorized_keys` replaced, as `#cloud-config` YAML. */
function withKeys(userData: string, keys: string[]): string {
  const parsed = userData.trim() ? parse(userData, 'cloud-init user data') : {}
  if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed)))
    throw httpError(
      400,
      'SSH keys go into #cloud-config user data, which must be a YAML mapping.',
      'INVALID_CLOUD_INIT',
    )
  const config = { ...((parsed as Record<string, unknown> | null) ?? {}) }
  if (keys.length) config.ssh_authorized_keys = keys
  else delete config.ssh_authorized_keys
  return `${CLOUD_CONFIG}\n${dumpYaml(config)}`
}

/**
 * cloud-init user and network data (inline, NoCloud), authorized SSH keys in it, and an SSH key
 * Secret KubeVirt puts into the guest through cloud-init. The guest reads them on its next boot.
 */
export function editInitialRun(vm: EditableVm, change: VmInitialRunChange): EditableVm {
  const spec = vm.spec.template.spec
  let userData = change.userData
  if (userData.trim()) {
    const parsed = parse(userData, 'cloud-init user data')
    if (
      userData.trimStart().startsWith(CLOUD_CONFIG) &&
      (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    )
      throw httpError(400, '#cloud-config user data must be a YAML mapping.', 'INVALID_CLOUD_INIT')
  }
  if (change.networkData?.trim()) parse(change.networkData, 'cloud-init network data')
  if (change.sshAuthorizedKeys) userData = withKeys(userData, change.sshAuthorizedKeys)

  const disks = (spec.domain.devices.disks ??= [])
  const volumes = (spec.volumes ??= [])
  const existing = volumes.find((v) => v.cloudInitNoCloud ?? v.cloudInitConfigDrive)
  const wantsVolume = Boolean(userData.trim() || change.networkData?.trim() || change.sshKeySecret)
  if (!wantsVolume) {
    if (existing) {
      spec.volumes = volumes.filter((v) => v !== existing)
      spec.domain.devices.disks = disks.filter((d) => d.name !== existing.name)
    }
  } else {
    const source = {
      ...(userData.trim() ? { userData } : {}),
      ...(change.networkData?.trim() ? { networkData: change.networkData } : {}),
    }
    const name =
      existing?.name ??
      (disks.some((d) => d.name === 'cloudinitdisk') ? 'cloudinit-vmdeck' : 'cloudinitdisk')
    const volume: VolumeSource = existing?.cloudInitConfigDrive
      ? { name, cloudInitConfigDrive: source }
      : { name, cloudInitNoCloud: source }
    spec.volumes = existing
      ? volumes.map((v) => (v === existing ? volume : v))
      : [...volumes, volume]
    if (!existing) disks.push({ name, disk: { bus: 'virtio' } })
  }

  if (change.sshKeySecret !== undefined) {
    const others = ((spec.accessCredentials ?? []) as { sshPublicKey?: unknown }[]).filter(
      (c) => !c.sshPublicKey,
    )
    const method = existing?.cloudInitConfigDrive ? { configDrive: {} } : { noCloud: {} }
    const credentials = change.sshKeySecret
      ? [
          ...others,
          {
            sshPublicKey: {
              source: { secret: { secretName: change.sshKeySecret } },
              propagationMethod: method,
            },
          },
        ]
      : others
    if (credentials.length) spec.accessCredentials = credentials
    else delete spec.accessCredentials
  }
  return vm
}
