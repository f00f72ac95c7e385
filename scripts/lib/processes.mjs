// Child processes that never outlive us: each runs in its own process group and the whole group
// is killed on stop, on our exit and on Ctrl+C.
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'

const children = new Set()

// If we are killed outright (SIGKILL, a CI timeout), no handler runs: the kernel then sends the
// child SIGTERM through prctl(PR_SET_PDEATHSIG), armed by a one-line perl exec wrapper (Node cannot
// call prctl; perl-base is essential on Debian). The simulator kills its QEMU guests the same way.
const PRCTL = { x64: 157, arm64: 167 }[process.arch]
const deathGuard = (nr) =>
  `syscall(${nr}, 1, 15, 0, 0, 0) == 0 or die "prctl: $!"; exit 1 if getppid() != shift; exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!";`

export function start(name, command, args, options = {}) {
  const [file, argv] =
    PRCTL === undefined
      ? [command, args]
      : ['perl', ['-e', deathGuard(PRCTL), String(process.pid), command, ...args]]
  const child = spawn(file, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    ...options,
  })
  child.on('exit', () => log?.end())
  children.add(child)
  child.on('exit', () => children.delete(child))
  // Quiet children still leave their output in `logFile` (the e2e stack's, for a failed run).
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined
  const prefix = (stream, out) =>
    stream?.on('data', (chunk) => {
      log?.write(chunk)
      if (options.quiet) return
      for (const line of chunk.toString().split('\n')) if (line) out.write(`[${name}] ${line}\n`)
    })
  prefix(child.stdout, process.stdout)
  prefix(child.stderr, process.stderr)
  return child
}

export function stopAll(signal = 'SIGTERM') {
  for (const child of children) {
    try {
      process.kill(-child.pid, signal)
    } catch {
      // already gone
    }
  }
}

export function waitForExit(child, ms = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // gone
      }
      resolve()
    }, ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

process.on('exit', () => stopAll('SIGKILL'))

/** Resolves with the match when the child prints a line matching `pattern`; rejects if it exits first. */
export function waitForLine(child, pattern, ms = 60000) {
  return new Promise((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(
      () => done(new Error(`no line matching ${pattern} within ${ms} ms`)),
      ms,
    )
    const onData = (chunk) => {
      buffer += chunk.toString()
      const match = pattern.exec(buffer)
      if (match) done(undefined, match)
      else if (buffer.length > 65536) buffer = buffer.slice(-4096)
    }
    const onExit = (code) =>
      done(new Error(`the process exited (${code}) before printing ${pattern}`))
    function done(error, match) {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onData)
      child.off('exit', onExit)
      if (error) reject(error)
      else resolve(match)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', onExit)
  })
}
