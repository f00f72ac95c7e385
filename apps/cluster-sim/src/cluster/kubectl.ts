// The real kubectl (`controlplane kubectl`, the same Kubernetes release as the control plane)
// against a simulator's kubeconfig, for tests that look at the cluster as a user would.
import { execFile } from 'node:child_process'
import { controlPlaneBinary } from './control-plane.ts'

export interface KubectlResult {
  code: number
  stdout: string
  stderr: string
}

/** A kubectl run that exited non-zero; `stderr` holds what kubectl printed. */
export class KubectlError extends Error implements KubectlResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string

  constructor(args: string[], result: KubectlResult) {
    super(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`)
    this.code = result.code
    this.stdout = result.stdout
    this.stderr = result.stderr
  }
}

export interface Kubectl {
  /** Runs kubectl and resolves with its stdout; rejects with a KubectlError when it fails. */
  (...args: string[]): Promise<string>
  /** Runs kubectl and resolves with how it ended, whatever that was. */
  run: (...args: string[]) => Promise<KubectlResult>
}

/**
 * kubectl for one kubeconfig, with a discovery cache of its own (not the user's ~/.kube/cache).
 * Asynchronous on purpose: virt-api runs in the test's process, and a blocking spawn would leave
 * the aggregator's calls to it unanswered.
 */
export function kubectlFor(kubeconfigPath: string, cacheDir: string): Kubectl {
  const run = (...args: string[]): Promise<KubectlResult> =>
    new Promise((resolve) => {
      execFile(
        controlPlaneBinary(),
        ['kubectl', '--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
          resolve({ code, stdout, stderr })
        },
      )
    })
  const kubectl = async (...args: string[]): Promise<string> => {
    const result = await run(...args)
    if (result.code !== 0) throw new KubectlError(args, result)
    return result.stdout
  }
  return Object.assign(kubectl, { run })
}
