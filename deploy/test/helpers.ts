// Shared by the delivery tests: the repository root, real command-line tools, rendered manifests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseAllDocuments } from 'yaml'

export const root = resolve(import.meta.dirname, '../..')
export const deployDir = join(root, 'deploy')

export interface Result {
  status: number
  stdout: string
  stderr: string
}

/** Runs a command to completion (no shell). */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Result {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: options.env ?? process.env,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (result.error) throw result.error
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr }
}

/** Like run(), without blocking the event loop (for servers running in this process). */
export function runAsync(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ status: code ?? 1, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
  }
  [key: string]: unknown
}

/** `kubectl kustomize <dir>`, parsed into objects. */
export function render(dir: string): KubeObject[] {
  const result = run('kubectl', ['kustomize', dir])
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`)
  return parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'))
      return doc.toJS() as KubeObject | null
    })
    .filter((object): object is KubeObject => object !== null)
}

export const overlays = readdirSync(join(deployDir, 'overlays'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

export function find<T = KubeObject>(objects: KubeObject[], kind: string, name?: string): T {
  const found = objects.find(
    (o) => o.kind === kind && (name === undefined || o.metadata.name === name),
  )
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in the rendered objects`)
  return found as T
}

/** A child process in its own process group, so `kill()` ends everything it started. */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
): {
  child: ChildProcess
  output: () => string
  waitFor: (pattern: RegExp, ms?: number) => Promise<RegExpExecArray>
  kill: () => Promise<void>
} {
  const child = spawn(command, args, {
    cwd: options.cwd ?? root,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  const listeners = new Set<() => void>()
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8')
    for (const listener of listeners) listener()
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  return {
    child,
    output: () => output,
    waitFor: (pattern, ms = 60_000) =>
      new Promise((resolvePromise, reject) => {
        const check = () => {
          const match = pattern.exec(output)
          if (match) finish(undefined, match)
        }
        const onExit = (code: number | null) =>
          finish(new Error(`exited (${code}) before printing ${pattern}:\n${output}`))
        const timer = setTimeout(
          () => finish(new Error(`no line matching ${pattern} within ${ms} ms:\n${output}`)),
          ms,
        )
        function finish(error?: Error, match?: RegExpExecArray) {
          clearTimeout(timer)
          listeners.delete(check)
          child.off('exit', onExit)
          if (error) reject(error)
          else resolvePromise(match!)
        }
        listeners.add(check)
        child.once('exit', onExit)
        check()
      }),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        return
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {
          // gone
        }
      }, 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Polls `url` until it answers `status` (the BFF's caches sync in the background). */
export async function waitForStatus(url: string, status: number, ms = 30_000): Promise<Response> {
  const deadline = Date.now() + ms
  let last = 'no answer'
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url)
      if (response.status === status) return response
      last = `${response.status} ${await response.text()}`
    } catch (error) {
      last = String(error)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${url} did not answer ${status} within ${ms} ms (last: ${last})`)
}
