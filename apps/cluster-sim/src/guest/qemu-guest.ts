// One real QEMU guest (the tiny image of apps/cluster-sim/guest/build-guest.sh) with
// VNC, serial console and QMP on unix sockets in its work directory.
import { EventEmitter } from 'node:events'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { QmpClient } from './qmp-client.ts'
import type { QmpEvent } from './qmp-client.ts'
import { qemuArgs } from './qemu-args.ts'
import type { GuestPaths } from './qemu-args.ts'
import { killAllGuests, spawnGuarded } from './guest-processes.ts'
import { readProcStats } from './proc-stats.ts'
import { migrate } from './guest-migration.ts'
import type { MigrateOptions, MigrationResult } from './guest-migration.ts'

export { killAllGuests }
export type { QmpEvent }
export type { MigrateOptions, MigrationProgress, MigrationResult } from './guest-migration.ts'

export interface GuestOptions {
  /** Letters, digits, `_`, `.`, `-`. */
  id: string
  /** Holds the sockets and serial.log; socket paths must stay under 108 bytes. */
  workDir: string
  /** Holds vmlinuz and initrd.img. */
  imageDir: string
  memoryMiB?: number // 96: the image does not boot with 64
  cpus?: number // 1
  hostname?: string // the id
  /** Start as a migration target: paused until another guest migrates into it. */
  incoming?: boolean
  qemuBinary?: string // qemu-system-x86_64
}

export interface BlockStats {
  device: string
  readBytes: number
  writtenBytes: number
  readOps: number
  writeOps: number
}

export interface GuestStats {
  pid: number
  /** QMP run state: running, paused, inmigrate, postmigrate, shutdown, ... */
  status: string
  cpuSeconds: number
  rssBytes: number
  memoryBytes: number
  block: BlockStats[]
}

export interface GuestExit {
  code: number | null
  signal: NodeJS.Signals | null
}

interface QmpBlockStats {
  device: string
  qdev?: string
  stats: { rd_bytes: number; wr_bytes: number; rd_operations: number; wr_operations: number }
}

const SUN_PATH_MAX = 107 // sockaddr_un.sun_path is 108 bytes including the NUL
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
const HOSTNAME_RE = /^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/

/**
 * Events: 'qmp' (QmpEvent) for every QMP event; 'shutdown' (reason) when the guest
 * powered itself off; 'exit' (code, signal) when the QEMU process is gone.
 */
export class QemuGuest extends EventEmitter {
  readonly id: string
  readonly options: Readonly<GuestOptions>
  readonly pid: number
  readonly vncSocketPath: string
  readonly serialSocketPath: string
  /** Everything the serial console printed, also while nobody was connected. */
  readonly serialLogPath: string
  readonly qmpSocketPath: string
  private readonly child: ChildProcess
  private readonly exited: Promise<GuestExit>
  private exitInfo: GuestExit | null = null
  private qmp: QmpClient | null = null
  private stderr = ''

  private constructor(options: GuestOptions, child: ChildProcess, paths: GuestPaths) {
    super()
    this.id = options.id
    this.options = Object.freeze({ ...options })
    this.child = child
    this.pid = child.pid ?? -1
    this.vncSocketPath = paths.vnc
    this.serialSocketPath = paths.serial
    this.serialLogPath = paths.serialLog
    this.qmpSocketPath = paths.qmp
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-8192)
    })
    this.exited = new Promise((resolve) => {
      const finish = (info: GuestExit): void => {
        if (this.exitInfo) return
        this.exitInfo = info
        this.qmp?.close()
        for (const p of [paths.qmp, paths.vnc, paths.serial]) rmSync(p, { force: true })
        this.emit('exit', info.code, info.signal)
        resolve(info)
      }
      // 'close' (not 'exit'): by then stderr has been read to the end.
      child.once('close', (code, signal) => finish({ code, signal }))
      child.once('error', (err) => {
        this.stderr += err.message
        finish({ code: null, signal: null })
      })
    })
  }

  /** Spawns QEMU; resolves once QMP is connected (the guest is booting, or waiting for a migration). */
  static async start(options: GuestOptions): Promise<QemuGuest> {
    const { id, workDir, imageDir } = options
    const hostname = options.hostname ?? id
    if (!ID_RE.test(id)) throw new Error(`invalid guest id ${JSON.stringify(id)}`)
    if (!HOSTNAME_RE.test(hostname)) throw new Error(`invalid hostname ${JSON.stringify(hostname)}`)
    const kernel = path.resolve(imageDir, 'vmlinuz')
    const initrd = path.resolve(imageDir, 'initrd.img')
    for (const f of [kernel, initrd]) {
      if (!existsSync(f))
        throw new Error(`${f} is missing: run apps/cluster-sim/guest/build-guest.sh`)
    }
    const dir = path.resolve(workDir)
    mkdirSync(dir, { recursive: true })
    const paths: GuestPaths = {
      qmp: path.join(dir, 'qmp.sock'),
      vnc: path.join(dir, 'vnc.sock'),
      serial: path.join(dir, 'serial.sock'),
      serialLog: path.join(dir, 'serial.log'),
    }
    for (const p of [paths.qmp, paths.vnc, paths.serial]) {
      if (Buffer.byteLength(p) > SUN_PATH_MAX)
        throw new Error(`socket path too long for a unix socket: ${p}`)
      rmSync(p, { force: true }) // left over by a guest that was SIGKILLed
    }
    const args = qemuArgs({
      id,
      kernel,
      initrd,
      paths,
      memoryMiB: options.memoryMiB ?? 96,
      cpus: options.cpus ?? 1,
      hostname,
      incoming: options.incoming ?? false,
    })
    const child = spawnGuarded(options.qemuBinary ?? 'qemu-system-x86_64', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    const guest = new QemuGuest(options, child, paths)
    try {
      guest.qmp = await QmpClient.connect(paths.qmp, { keepTrying: () => guest.exitInfo === null })
    } catch (err) {
      await guest.kill()
      const why = guest.stderr.trim() || (err as Error).message
      throw new Error(`QEMU for guest ${id} did not start: ${why}`, { cause: err })
    }
    guest.qmp.on('event', (e: QmpEvent) => guest.onQmpEvent(e))
    return guest
  }

  get running(): boolean {
    return this.exitInfo === null
  }

  /** A raw RFB (VNC) byte stream. QEMU accepts several VNC clients at once. */
  connectVnc(): net.Socket {
    return net.connect(this.vncSocketPath)
  }

  /**
   * The serial console as a raw byte stream. QEMU serves one client at a time: a second
   * connection waits until the first one closes. Output nobody read is in serialLogPath.
   */
  connectSerial(): net.Socket {
    return net.connect(this.serialSocketPath)
  }

  /** Runs any QMP command. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (!this.qmp) return Promise.reject(new Error(`guest ${this.id}: QMP not connected`))
    return this.qmp.execute<T>(command, args)
  }

  /** Resolves on the next QMP event `name`; call it before triggering the event. */
  waitForEvent(name: string, timeoutMs?: number): Promise<QmpEvent> {
    if (!this.qmp || this.exitInfo)
      return Promise.reject(new Error(`guest ${this.id} is not running`))
    return this.qmp.waitForEvent(name, timeoutMs)
  }

  pause(): Promise<void> {
    return this.execute<void>('stop')
  }

  resume(): Promise<void> {
    return this.execute<void>('cont')
  }

  /** Hard reset; the guest boots again (~4 s to its banner). */
  reset(): Promise<void> {
    return this.execute<void>('system_reset')
  }

  /** Presses the ACPI power button; resolves when QEMU took it. 'shutdown' and 'exit' follow. */
  powerdown(): Promise<void> {
    return this.execute<void>('system_powerdown')
  }

  /** Resolves when the QEMU process is gone; with a timeout, rejects after it. */
  async waitForExit(timeoutMs?: number): Promise<GuestExit> {
    if (timeoutMs === undefined) return this.exited
    const info = await within(this.exited, timeoutMs)
    if (!info) throw new Error(`guest ${this.id} still running after ${timeoutMs} ms`)
    return info
  }

  /** Stops QEMU (QMP quit, SIGKILL after 3 s); resolves when the process is gone. */
  async kill(): Promise<void> {
    if (this.exitInfo) return
    if (this.qmp)
      await within(
        this.qmp.execute('quit').catch(() => {}),
        1000,
      )
    if (!(await within(this.exited, 3000))) this.child.kill('SIGKILL')
    await this.exited
  }

  async stats(): Promise<GuestStats> {
    const [proc, status, blocks] = await Promise.all([
      readProcStats(this.pid),
      this.execute<{ status: string }>('query-status'),
      this.execute<QmpBlockStats[]>('query-blockstats'),
    ])
    return {
      pid: this.pid,
      status: status.status,
      cpuSeconds: proc.cpuSeconds,
      rssBytes: proc.rssBytes,
      memoryBytes: (this.options.memoryMiB ?? 96) * 1024 * 1024,
      block: blocks.map((b) => ({
        device: b.device || b.qdev || '',
        readBytes: b.stats.rd_bytes,
        writtenBytes: b.stats.wr_bytes,
        readOps: b.stats.rd_operations,
        writeOps: b.stats.wr_operations,
      })),
    }
  }

  /**
   * Live-migrates this guest into `target` (started with the same options plus
   * `incoming: true`) over TCP on 127.0.0.1. Resolves once the target runs; this guest is
   * then paused in state 'postmigrate' and is the caller's to kill.
   */
  async migrateTo(target: QemuGuest, opts?: MigrateOptions): Promise<MigrationResult> {
    if (!target.options.incoming) {
      throw new Error(`guest ${target.id} was not started with incoming: true`)
    }
    return migrate(this, target, opts)
  }

  private onQmpEvent(e: QmpEvent): void {
    this.emit('qmp', e)
    // SHUTDOWN also comes for `quit` (guest: false); only the guest's own power-off counts.
    if (e.event === 'SHUTDOWN' && e.data?.guest === true) this.emit('shutdown', e.data.reason)
  }
}

/** The promise's value, or undefined if it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
