import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, readFileSync } from 'node:fs'

/** A long-running child program whose output goes to a log file. */
export interface ManagedProcess {
  name: string
  pid: number | undefined
  logFile: string
  /** Resolves when the program exits on its own (a crash); never when `stop` was called. */
  readonly exited: Promise<number | null>
  /** An error naming the program, its exit code and the end of its log. */
  crashed(code: number | null): Error
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>
}

export function startProcess(
  name: string,
  binary: string,
  options: { args: string[]; logFile: string; env?: NodeJS.ProcessEnv },
): ManagedProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' })
  const child = spawn(binary, options.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: options.env } : {}),
  })
  child.stdout.pipe(log, { end: false })
  child.stderr.pipe(log, { end: false })
  let stopping = false
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => {
      if (!stopping) resolve(-1)
    })
    child.once('exit', (code) => {
      if (!stopping) resolve(code)
    })
  })
  return {
    name,
    pid: child.pid,
    logFile: options.logFile,
    exited,
    crashed: (code) => {
      let tail = ''
      try {
        tail = readFileSync(options.logFile, 'utf8').split('\n').slice(-15).join('\n')
      } catch {
        // no log yet
      }
      return new Error(`${name} exited (${code}) (${options.logFile}):\n${tail}`)
    },
    stop: async () => {
      stopping = true
      await stopChild(child)
      log.end()
    },
  }
}

/** Stops a child: SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
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
