import { spawn, type ChildProcess } from 'node:child_process'

/**
 * The processes a bench starts (simulator, BFF, kubectl proxy), each resolved once its output
 * matches `ready`; `stop` ends them all, waiting for each to exit.
 */
export class ChildProcesses {
  readonly #children: ChildProcess[] = []
  readonly #cwd: string

  constructor(cwd: string) {
    this.#cwd = cwd
  }

  start(command: string, args: string[], ready: RegExp, env = process.env): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, { cwd: this.#cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
      this.#children.push(child)
      let out = ''
      const onData = (chunk: Buffer) => {
        out = (out + chunk.toString()).slice(-4000)
        if (ready.test(out)) resolve()
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.on('exit', (code) =>
        reject(new Error(`${args[0] ?? command} exited with ${code}: ${out.slice(-500)}`)),
      )
    })
  }

  /** A Node script of the repository, run with this Node. */
  node(args: string[], ready: RegExp, env = process.env): Promise<void> {
    return this.start(process.execPath, args, ready, env)
  }

  async stop(): Promise<void> {
    for (const child of this.#children.splice(0)) {
      if (child.exitCode !== null) continue
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}
