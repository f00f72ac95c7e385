import { ClusterId, K8sName } from '@vmdeck/shared'

export type ConsoleKind = 'vnc' | 'serial'

/** The VM console a WebSocket upgrade asks for. */
export interface ConsoleTarget {
  cluster: string
  namespace: string
  name: string
  kind: ConsoleKind
  /** VNC: keep somebody else's session (true, the default) or take it over. */
  preserveSession: boolean
  /** The browser reads presence messages (text frames, packages/shared console-messages.ts). */
  presence: boolean
}

export type ConsoleTargetResult =
  { ok: true; target: ConsoleTarget } | { ok: false; message: string; code: string } | undefined

const PATH_RE = /^\/api\/v1\/clusters\/([^/]+)\/namespaces\/([^/]+)\/vms\/([^/]+)\/(vnc|serial)$/
// The same name rules as the REST routes (the shared schemas).
const namePattern = new RegExp((K8sName as { pattern?: string }).pattern ?? '^$')
const clusterPattern = new RegExp((ClusterId as { pattern?: string }).pattern ?? '^$')

const validName = (name: string) => namePattern.test(name) && name.length <= 63

/**
 * Reads `/api/v1/clusters/{c}/namespaces/{ns}/vms/{name}/{vnc|serial}?preserveSession=…&presence=…`:
 * undefined for any other path (not a console), a refusal for names the REST routes would refuse.
 */
export function consoleTarget(url: URL): ConsoleTargetResult {
  const match = PATH_RE.exec(url.pathname)
  if (!match) return undefined
  const [, cluster = '', namespace = '', name = '', kind = ''] = match
  if (
    !clusterPattern.test(cluster) ||
    cluster.length > 253 ||
    !validName(namespace) ||
    !validName(name)
  )
    return {
      ok: false,
      message: 'Cluster, namespace or VM name is not a valid name.',
      code: 'BAD_NAME',
    }
  const preserve = url.searchParams.get('preserveSession')
  if (preserve !== null && preserve !== 'true' && preserve !== 'false')
    return { ok: false, message: 'preserveSession must be true or false.', code: 'BAD_QUERY' }
  const presence = url.searchParams.get('presence')
  if (presence !== null && presence !== 'true' && presence !== 'false')
    return { ok: false, message: 'presence must be true or false.', code: 'BAD_QUERY' }
  return {
    ok: true,
    target: {
      cluster,
      namespace,
      name,
      kind: kind as ConsoleKind,
      preserveSession: preserve !== 'false',
      presence: presence === 'true',
    },
  }
}
