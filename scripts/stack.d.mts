import type { ChildProcess } from 'node:child_process'

export function startStack(options: {
  root: string
  stateDir: string
  simPort: number
  bffPort: number
  /** Starts a real Prometheus on this port and points the BFF at it. */
  prometheusPort?: number
  quiet?: boolean
  demo?: boolean
  /** Starts the demo's OpenID provider on this port: kube-apiserver trusts it, the BFF uses it. */
  idpPort?: number
}): Promise<{
  sim: ChildProcess
  bff: ChildProcess
  prometheus: { url: string; child: ChildProcess; stop(): Promise<void> } | undefined
  idp: { child: ChildProcess; issuer: string; usersFile: string } | undefined
  kubeconfig: string
  url: string
}>
