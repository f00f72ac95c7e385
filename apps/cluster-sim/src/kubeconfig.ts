import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface KubeconfigUser {
  name: string
  token: string
}

/**
 * Writes a kubeconfig with one context per demo user (cluster `vmdeck-sim`, bearer tokens, the
 * simulator's CA inline). JSON is valid YAML, so kubectl and client-node read it as is.
 */
export function writeKubeconfig(
  path: string,
  {
    server,
    ca,
    users,
    current,
  }: { server: string; ca: string; users: KubeconfigUser[]; current: string },
): void {
  const cluster = 'vmdeck-sim'
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': current,
    clusters: [
      {
        name: cluster,
        cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') },
      },
    ],
    users: users.map((user) => ({ name: user.name, user: { token: user.token } })),
    contexts: users.map((user) => ({ name: user.name, context: { cluster, user: user.name } })),
  }
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 })
}
