import type { ChildProcess } from 'node:child_process'

export function startStack(options: {
  root: string
  stateDir: string
  simPort: number
  bffPort: number
  quiet?: boolean
  demo?: boolean
}): Promise<{ sim: ChildProcess; bff: ChildProcess; kubeconfig: string; url: string }>
