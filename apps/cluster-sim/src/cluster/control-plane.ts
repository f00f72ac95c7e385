import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

/** What `controlplane run` writes to `<state-dir>/cluster.json` once kube-apiserver is ready. */
export interface ClusterInfo {
  url: string
  caFile: string
  tokens: Record<string, string>
  frontProxyCAFile: string
  kubeletClientCAFile: string
  serviceAccountIssuer: string
  pid: number
}

export interface ControlPlaneOptions {
  stateDir: string
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** The node lifecycle controller's grace period (`--node-monitor-grace-period`), e.g. `40s`. */
  nodeMonitorGracePeriod?: string
  binary?: string
}

export interface ControlPlane {
  info: ClusterInfo
  ca: string
  /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>
  /** Resolves when the process exits on its own (a crash); never when `stop` was called. */
  readonly exited: Promise<number | null>
}

/** The built control plane: VMDECK_CONTROLPLANE_BIN, else `.vmdeck/bin/controlplane` under the repo. */
export function controlPlaneBinary(): string {
  const fromEnv = process.env.VMDECK_CONTROLPLANE_BIN
  if (fromEnv) return fromEnv
  const root = process.env.VMDECK_ROOT ?? resolve(import.meta.dirname, '../../../..')
  const path = join(root, '.vmdeck/bin/controlplane')
  if (!existsSync(path))
    throw new Error(
      `the Kubernetes control plane is not built (${path}): run \`npm test\`, \`npm run sim\` or \`npm run demo\`, which build it, or set VMDECK_CONTROLPLANE_BIN`,
    )
  return path
}

/**
 * Starts the real control plane (etcd, kube-apiserver, controller manager, scheduler; see
 * apps/cluster-sim/controlplane) as a child process and resolves once kube-apiserver is ready.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const args = ['run', '--state-dir', options.stateDir, '--port', String(options.port ?? 0)]
  if (options.host) args.push('--host', options.host)
  if (options.nodeMonitorGracePeriod)
    args.push('--node-monitor-grace-period', options.nodeMonitorGracePeriod)
  const child = spawn(options.binary ?? controlPlaneBinary(), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logTail: string[] = []
  const remember = (line: string) => {
    logTail.push(line)
    if (logTail.length > 40) logTail.shift()
    if (process.env.VMDECK_CONTROLPLANE_LOG) process.stderr.write(`controlplane: ${line}\n`)
  }
  createInterface({ input: child.stderr }).on('line', remember)
  let stopping = false
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => {
      if (!stopping) resolveExit(code)
    })
  })
  await new Promise<void>((ready, failed) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      remember(line)
      if (line.startsWith('controlplane: ready')) ready()
    })
    child.once('error', failed)
    void exited.then((code) =>
      failed(
        new Error(
          `the control plane exited (${code}) before it was ready:\n${logTail.slice(-15).join('\n')}`,
        ),
      ),
    )
  })
  const info = JSON.parse(
    readFileSync(join(options.stateDir, 'cluster.json'), 'utf8'),
  ) as ClusterInfo
  return {
    info,
    ca: readFileSync(info.caFile, 'utf8'),
    exited,
    stop: () => stopProcess(child, () => (stopping = true)),
  }
}

function stopProcess(child: ChildProcess, mark: () => void): Promise<void> {
  mark()
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(kill)
      done()
    })
    child.kill('SIGTERM')
  })
}
