// How an aggregated API server knows who is asking (virt-api: kubevirt v1.9.0
// `pkg/util/tls/ca-manager.go`, `pkg/virt-api/rest/authorizer.go`; cdi-apiserver: CDI v1.66.0
// `pkg/apiserver/auth-config.go`, `authorizer.go`, alike): kube-apiserver's aggregator
// connects with a client certificate signed by the request-header CA and carries the user in
// X-Remote-User / X-Remote-Group / X-Remote-Extra-* headers. The CA, the allowed certificate
// names and the header names are what kube-apiserver publishes in the
// kube-system/extension-apiserver-authentication ConfigMap.
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { KubeClient } from '../cluster/kube-client.ts'

export interface RequestHeaderConfig {
  /** PEM of the CA that signs the front proxy's client certificate. */
  clientCA: string
  /** Common names a front-proxy certificate may have; empty allows any the CA signed. */
  allowedNames: string[]
  usernameHeaders: string[]
  groupHeaders: string[]
  extraHeaderPrefixes: string[]
}

/** The user kube-apiserver authenticated, as the front proxy passes it on. */
export interface FrontProxyUser {
  username: string
  uid?: string
  groups: string[]
  extra: Record<string, string[]>
}

const CONFIG_MAP = '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication'

/** Reads the request-header settings kube-apiserver published for aggregated API servers. */
export async function loadRequestHeaderConfig(client: KubeClient): Promise<RequestHeaderConfig> {
  const configMap = await client.json<{ data?: Record<string, string> }>('GET', CONFIG_MAP)
  const data = configMap.data ?? {}
  const clientCA = data['requestheader-client-ca-file']
  if (!clientCA)
    throw new Error(
      'requestheader-client-ca-file not found in extension-apiserver-authentication ConfigMap',
    )
  const list = (key: string, fallback: string[]) => {
    const text = data[key]
    return text ? (JSON.parse(text) as string[]) : fallback
  }
  return {
    clientCA,
    allowedNames: list('requestheader-allowed-names', []),
    usernameHeaders: list('requestheader-username-headers', ['X-Remote-User']),
    groupHeaders: list('requestheader-group-headers', ['X-Remote-Group']),
    extraHeaderPrefixes: list('requestheader-extra-headers-prefix', ['X-Remote-Extra-']),
  }
}

/**
 * Whether a TLS connection may stay open: with no client certificate it may (kube-apiserver
 * calls webhooks without one: `tls.VerifyClientCertIfGiven`); a certificate must chain to the
 * request-header CA and carry an allowed common name, else the handshake fails in virt-api
 * (and in cdi-apiserver, whose `VerifyPeerCertificate` checks the name the same way).
 */
export function acceptClientCertificate(socket: TLSSocket, config: RequestHeaderConfig): boolean {
  const peer = socket.getPeerCertificate()
  if (!peer || Object.keys(peer).length === 0) return true
  if (!socket.authorized) return false
  const commonName = peer.subject?.CN
  return config.allowedNames.length === 0 || config.allowedNames.includes(String(commonName))
}

/**
 * The front proxy's user, or why there is none: virt-api's `isAuthenticated` (a verified peer
 * certificate) and its header reads, which take the first configured header that is present.
 */
export function frontProxyUser(
  req: IncomingMessage,
  config: RequestHeaderConfig,
): FrontProxyUser | string {
  const socket = req.socket as TLSSocket
  if (!socket.authorized || !acceptClientCertificate(socket, config))
    return 'request is not authenticated'
  const headers = req.headersDistinct
  const first = (names: string[]) =>
    names.map((name) => headers[name.toLowerCase()]).find((values) => values !== undefined)
  const username = first(config.usernameHeaders)?.[0]
  if (!username) return 'a valid user header is required for authorization'
  const groups = first(config.groupHeaders)
  if (!groups) return 'a valid group header is required for authorization'
  const extra: Record<string, string[]> = {}
  for (const prefix of config.extraHeaderPrefixes.map((p) => p.toLowerCase()))
    for (const [name, values] of Object.entries(headers))
      if (name.startsWith(prefix) && values)
        extra[unescapeExtraKey(name.slice(prefix.length))] = values
  const uid = headers['x-remote-uid']?.[0]
  return { username, ...(uid ? { uid } : {}), groups, extra }
}

/** Extra keys are %-encoded in header names (k8s.io/apiserver requestheader). */
function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded)
  } catch {
    return encoded
  }
}
