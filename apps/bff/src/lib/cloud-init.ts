import type { KubernetesObject } from '@kubernetes/client-node'
import type { CloudInitReveal } from '@vmdeck/shared'

const KINDS = ['cloudInitNoCloud', 'cloudInitConfigDrive'] as const
const INLINE = ['userData', 'userDataBase64', 'networkData', 'networkDataBase64'] as const

type CloudInitSource = Partial<Record<(typeof INLINE)[number], string>> & {
  secretRef?: { name?: string }
  networkDataSecretRef?: { name?: string }
}
type Volume = { name?: string } & Partial<Record<(typeof KINDS)[number], CloudInitSource>>

/** The volumes of a VM (its template) or a VMI. */
function volumesOf(object: KubernetesObject): Volume[] {
  const spec = (
    object as { spec?: { volumes?: Volume[]; template?: { spec?: { volumes?: Volume[] } } } }
  ).spec
  return spec?.template?.spec?.volumes ?? spec?.volumes ?? []
}

/**
 * Replaces inline cloud-init data (user data often holds passwords and keys) with a note, in a
 * copy of a VM or VMI shown to people: everyone sees the mask, whatever their rights; the data
 * itself comes only from the recorded "reveal". Secret references stay (they are references).
 */
export function maskCloudInit<T extends KubernetesObject>(object: T): T {
  for (const volume of volumesOf(object))
    for (const kind of KINDS) {
      const source = volume[kind]
      if (!source) continue
      for (const field of INLINE) {
        const value = source[field]
        if (typeof value === 'string')
          source[field] = `(hidden: ${value.length} characters; use "Reveal cloud-init" in vmdeck)`
      }
    }
  return object
}

/** The cloud-init data of a VM, decoded, for the reveal route. */
export function cloudInitOf(vm: KubernetesObject): CloudInitReveal['items'] {
  const decode = (text: string | undefined) =>
    text === undefined ? undefined : Buffer.from(text, 'base64').toString('utf8')
  const items: CloudInitReveal['items'] = []
  for (const volume of volumesOf(vm))
    for (const kind of KINDS) {
      const source = volume[kind]
      if (!source) continue
      const userData = source.userData ?? decode(source.userDataBase64)
      const networkData = source.networkData ?? decode(source.networkDataBase64)
      items.push({
        volume: volume.name ?? '',
        kind,
        ...(userData !== undefined ? { userData } : {}),
        ...(networkData !== undefined ? { networkData } : {}),
        ...(source.secretRef?.name ? { userDataSecretRef: source.secretRef.name } : {}),
        ...(source.networkDataSecretRef?.name
          ? { networkDataSecretRef: source.networkDataSecretRef.name }
          : {}),
      })
    }
  return items
}
