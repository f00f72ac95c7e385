// The BFF as its own process (`node src/server.ts`), configured by environment as in production:
// for tests that need real listening servers, e.g. two replicas behind one public origin.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

export interface BffProcess {
  /** http://127.0.0.1:<port> */
  url: string
  /** Everything it wrote (stdout and stderr). */
  output: string[]
  stop(): Promise<void>
}

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))

/** Starts a BFF on a free loopback port; resolves once it listens. */
export async function startBffProcess(env: Record<string, string>): Promise<BffProcess> {
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '', VMDECK_HOST: '127.0.0.1', VMDECK_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const exited = once(child, 'exit')
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString())
      const listening = /vmdeck BFF listening on (http:\/\/[\d.]+:\d+)/.exec(output.join(''))
      if (listening) resolve(listening[1]!)
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then(([code]) =>
      reject(new Error(`the BFF exited (${String(code)}): ${output.join('').slice(-2000)}`)),
    )
  })
  return {
    url,
    output,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await exited
    },
  }
}
