export type ConsoleKind = 'vnc' | 'serial'

/** The BFF's console WebSocket for a VM, on this page's own origin. */
export function consoleUrl(
  cluster: string,
  namespace: string,
  name: string,
  kind: ConsoleKind,
  query: Record<string, string> = {},
): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  const search = new URLSearchParams(query).toString()
  return (
    `${scheme}//${window.location.host}/api/v1/clusters/${encodeURIComponent(cluster)}` +
    `/namespaces/${encodeURIComponent(namespace)}/vms/${encodeURIComponent(name)}/${kind}` +
    (search ? `?${search}` : '')
  )
}

/** The standalone console page (deep link, opens in its own window). */
export function consoleWindowPath(
  cluster: string,
  namespace: string,
  name: string,
  kind: ConsoleKind,
) {
  const query = new URLSearchParams({ cluster, type: kind })
  return `/console/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}?${query.toString()}`
}

export const PLAIN_STREAM_PROTOCOL = 'plain.kubevirt.io'
