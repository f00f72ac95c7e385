// The part of the simulator that plays virt-handler + virt-launcher: it runs one guest per
// VMI (a real QEMU process in `qemu` mode, nothing in `none` mode) and tells the VMI
// controller what happened to it. Keyed by VMI UID: a VMI recreated under the same name is a
// different guest.
import { existsSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs'
import { join } from 'node:path'
import { QemuGuest, type MigrationProgress } from '../guest/qemu-guest.ts'
import type { GuestRegistry } from './guest-registry.ts'

export type GuestMode = 'qemu' | 'none'

export interface GuestState {
  uid: string
  namespace: string
  name: string
  /** starting → running → exited; `failed` when it never ran. */
  status: 'starting' | 'running' | 'exited' | 'failed'
  /** Why it exited: the guest powered off, or the process died / was killed. */
  exitReason?: 'shutdown' | 'crash' | 'killed'
  message?: string
  /** The guest printed its banner (stands in for the guest agent connecting). */
  agentConnected: boolean
  paused: boolean
  /** A real process, or a simulated guest (mode none, or over the --max-guests cap). */
  guest?: QemuGuest
  migration?: {
    progress: MigrationProgress
    cancel: () => void
  }
  stopping?: boolean
}

/**
 * A migration's configuration as virt-handler hands it to virt-launcher (from the VMI's
 * `status.migrationState.migrationConfiguration`, which virt-controller fills from the KubeVirt CR
 * and the MigrationPolicy that applies).
 */
export interface MigrationSettings {
  /** bandwidthPerMigration in bytes per second; 0 or absent: no limit of KubeVirt's. */
  bandwidthBytesPerSecond?: number
  allowAutoConverge?: boolean
  /** completionTimeoutPerGiB × the guest's memory in GiB (rounded up); 0: none. */
  completionTimeoutSeconds?: number
  /** Aborted when the data remaining has not gone down for this long; 0: never. */
  progressTimeoutSeconds?: number
}

export interface GuestRuntimeOptions {
  mode: GuestMode
  imageDir: string
  /** Where guest sockets live; paths must stay short (unix sockets). */
  workRoot: string
  registry: GuestRegistry
  /** Cap on QEMU processes; VMIs beyond it run simulated. */
  maxGuests: number
  /** How many guests may boot (spawn → banner) at once. */
  maxConcurrentBoots: number
  memoryMiB: number
  /** The QEMU binary (default qemu-system-x86_64). */
  qemuBinary?: string
  /** How long a simulated guest's memory takes to "transfer" in a migration (default 1 s). */
  simulatedMigrationMs?: number
  /** Called whenever a guest's state changed (so the VMI gets reconciled). */
  onChange: (namespace: string, name: string, uid: string) => void
}

export class GuestRuntime {
  readonly #options: GuestRuntimeOptions
  readonly #states = new Map<string, GuestState>()
  readonly #bootQueue: (() => void)[] = []
  #booting = 0
  #closed = false
  readonly #watchers = new Set<FSWatcher>()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly kernelRelease: string

  constructor(options: GuestRuntimeOptions) {
    this.#options = options
    let release = '6.1.0-cloud-amd64'
    try {
      const stamp = readFileSync(join(options.imageDir, '.stamp'), 'utf8').split('\n')[1]
      if (stamp) release = stamp.trim()
    } catch {
      // no image (mode none): a plausible Debian 12 cloud kernel
    }
    this.kernelRelease = release
  }

  get mode(): GuestMode {
    return this.#options.mode
  }

  state(uid: string): GuestState | undefined {
    return this.#states.get(uid)
  }

  /** Guests still starting (QEMU spawned or queued, QMP not up yet). */
  get starting(): number {
    let n = 0
    for (const s of this.#states.values()) if (s.status === 'starting') n++
    return n
  }

  /** Number of real QEMU processes (running or booting). */
  get processCount(): number {
    let n = 0
    for (const s of this.#states.values()) if (s.guest?.running) n++
    return n
  }

  /** Starts the guest of a VMI (idempotent). */
  start(uid: string, namespace: string, name: string, opts: { paused?: boolean } = {}): void {
    if (this.#states.has(uid) || this.#closed) return
    const state: GuestState = {
      uid,
      namespace,
      name,
      status: 'starting',
      agentConnected: false,
      paused: false,
    }
    this.#states.set(uid, state)
    const noImage = this.#options.mode === 'qemu' && !this.#imageExists()
    const simulated =
      this.#options.mode === 'none' || noImage || this.processCount >= this.#options.maxGuests
    if (simulated) {
      if (this.#options.mode === 'qemu')
        console.warn(
          noImage
            ? `cluster-sim: no guest image in ${this.#options.imageDir} (run apps/cluster-sim/guest/build-guest.sh); ${namespace}/${name} runs without a QEMU process`
            : `cluster-sim: --max-guests (${this.#options.maxGuests}) reached; ${namespace}/${name} runs without a QEMU process`,
        )
      state.status = 'running'
      state.agentConnected = true
      state.paused = opts.paused ?? false
      this.#changed(state)
      return
    }
    this.#withBootSlot((release) => {
      void this.#boot(state, opts.paused ?? false, release)
    })
  }

  async #boot(state: GuestState, paused: boolean, release: () => void): Promise<void> {
    let released = false
    const done = () => {
      if (!released) {
        released = true
        release()
      }
    }
    if (state.stopping || this.#closed) {
      state.status = 'exited'
      state.exitReason = 'killed'
      done()
      this.#changed(state)
      return
    }
    const workDir = join(this.#options.workRoot, state.uid.slice(0, 13))
    let guest: QemuGuest
    try {
      guest = await QemuGuest.start({
        id: `${state.namespace}.${state.name}`.slice(0, 60),
        hostname: state.name.slice(0, 63),
        workDir,
        imageDir: this.#options.imageDir,
        memoryMiB: this.#options.memoryMiB,
        ...(this.#options.qemuBinary ? { qemuBinary: this.#options.qemuBinary } : {}),
      })
    } catch (error) {
      done()
      state.status = 'failed'
      state.message = (error as Error).message
      this.#changed(state)
      return
    }
    if (paused) await guest.pause().catch(() => {})
    state.guest = guest
    state.status = 'running'
    state.paused = paused
    this.#attach(state, guest)
    this.#options.registry.set(state.namespace, state.name, guest)
    this.#watchBanner(state, guest, done)
    if (state.stopping || this.#closed) void guest.kill()
    this.#changed(state)
  }

  /** Wires a (source or migrated-in) guest's exit and shutdown to the state. */
  #attach(state: GuestState, guest: QemuGuest): void {
    let poweredOff = false
    guest.on('shutdown', () => {
      poweredOff = true
    })
    guest.once('exit', () => {
      if (state.guest !== guest) return // a migration source that was handed over
      if (this.#options.registry.get(state.namespace, state.name) === guest)
        this.#options.registry.set(state.namespace, state.name, undefined)
      state.status = 'exited'
      state.exitReason = poweredOff ? 'shutdown' : state.stopping ? 'killed' : 'crash'
      state.agentConnected = false
      this.#changed(state)
    })
  }

  /** The banner on the serial console (read from the log, not the socket: one client at a time). */
  #watchBanner(state: GuestState, guest: QemuGuest, release: () => void): void {
    const banner = `vmdeck guest ${state.name.slice(0, 63)} ready`
    let watcher: FSWatcher | undefined
    const finish = () => {
      watcher?.close()
      if (watcher) this.#watchers.delete(watcher)
      watcher = undefined
      release()
    }
    const check = () => {
      if (!existsSync(guest.serialLogPath)) return
      if (readFileSync(guest.serialLogPath, 'utf8').includes(banner)) {
        finish()
        if (!state.agentConnected && state.guest === guest) {
          state.agentConnected = true
          this.#changed(state)
        }
      }
    }
    try {
      watcher = watch(guest.serialLogPath, check)
      this.#watchers.add(watcher)
    } catch {
      // no log yet: the exit handler below still releases the slot
    }
    guest.once('exit', finish)
    check()
  }

  /** Graceful stop: ACPI power button, then kill after the grace period. */
  stop(uid: string, graceSeconds: number): void {
    const state = this.#states.get(uid)
    if (!state || state.status === 'exited' || state.status === 'failed') return
    const first = !state.stopping
    state.stopping = true
    const guest = state.guest
    if (!guest) {
      if (state.status === 'running') {
        // A simulated guest shuts down at once.
        state.status = 'exited'
        state.exitReason = graceSeconds > 0 ? 'shutdown' : 'killed'
        this.#changed(state)
      }
      return
    }
    // A paused domain cannot take the ACPI button: virt-launcher destroys it.
    if (graceSeconds <= 0 || state.paused) {
      void guest.kill()
      return
    }
    if (!first) return
    void guest.powerdown().catch(() => guest.kill())
    // A button press during early boot (before the guest's acpid runs) is lost; virt-handler keeps
    // re-syncing the shutdown while the grace period runs, so press it again every few seconds.
    const again = setInterval(() => void guest.powerdown().catch(() => undefined), 3000)
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      void guest.kill()
    }, graceSeconds * 1000)
    this.#timers.add(timer)
    this.#timers.add(again)
    guest.once('exit', () => {
      clearTimeout(timer)
      clearInterval(again)
      this.#timers.delete(timer)
      this.#timers.delete(again)
    })
  }

  /** Kills at once (VMI deleted with grace 0, pod gone). */
  kill(uid: string): void {
    this.stop(uid, 0)
  }

  /** Drops a finished guest's state (after its VMI is gone). */
  forget(uid: string): void {
    const state = this.#states.get(uid)
    if (!state) return
    if (state.guest?.running) void state.guest.kill()
    this.#states.delete(uid)
  }

  async pause(uid: string): Promise<void> {
    const state = this.#states.get(uid)
    if (!state) throw new Error('guest is not running')
    if (state.guest) await state.guest.pause()
    state.paused = true
    this.#changed(state)
  }

  async resume(uid: string): Promise<void> {
    const state = this.#states.get(uid)
    if (!state) throw new Error('guest is not running')
    if (state.guest) await state.guest.resume()
    state.paused = false
    this.#changed(state)
  }

  async reset(uid: string): Promise<void> {
    const state = this.#states.get(uid)
    if (!state) throw new Error('guest is not running')
    if (state.guest) await state.guest.reset()
  }

  /**
   * Live-migrates the guest: a second QEMU process started with `-incoming`, a real QEMU
   * migration, then the source is killed and the target takes its place. Simulated guests
   * "transfer" their memory in about a second.
   */
  async migrate(
    uid: string,
    onProgress: (p: MigrationProgress) => void,
    settings: MigrationSettings = {},
  ): Promise<void> {
    const state = this.#states.get(uid)
    if (!state || state.status !== 'running') throw new Error('guest is not running')
    const source = state.guest
    if (!source) {
      const total = this.#options.memoryMiB * 1024 * 1024
      await new Promise<void>((resolve, reject) => {
        let step = 0
        const tick = () => {
          step++
          const transferred = Math.min(total, (total * step) / 5)
          onProgress({ transferred, remaining: total - transferred, total })
          if (step >= 5) {
            state.migration = undefined
            resolve()
            return
          }
          const timer = setTimeout(
            () => {
              this.#timers.delete(timer)
              tick()
            },
            (this.#options.simulatedMigrationMs ?? 1000) / 5,
          )
          this.#timers.add(timer)
          state.migration = {
            progress: { transferred, remaining: total - transferred, total },
            cancel: () => {
              clearTimeout(timer)
              this.#timers.delete(timer)
              state.migration = undefined
              reject(new Error('migration cancelled'))
            },
          }
        }
        tick()
      })
      return
    }
    const workDir = join(this.#options.workRoot, `${state.uid.slice(0, 8)}-m${Date.now() % 100000}`)
    const target = await QemuGuest.start({
      ...source.options,
      id: `${source.options.id}.m`.slice(0, 62),
      workDir,
      incoming: true,
    })
    let cancelled = false
    state.migration = {
      progress: { transferred: 0, remaining: 0, total: 0 },
      cancel: () => {
        cancelled = true
        void source.execute('migrate_cancel').catch(() => {})
      },
    }
    try {
      await source.migrateTo(target, {
        ...(settings.bandwidthBytesPerSecond
          ? { maxBandwidthBytes: settings.bandwidthBytesPerSecond }
          : {}),
        autoConverge: settings.allowAutoConverge === true,
        ...(settings.completionTimeoutSeconds !== undefined
          ? { timeoutMs: settings.completionTimeoutSeconds * 1000 }
          : {}),
        ...(settings.progressTimeoutSeconds !== undefined
          ? { progressTimeoutMs: settings.progressTimeoutSeconds * 1000 }
          : {}),
        onProgress: (p) => {
          if (state.migration) state.migration.progress = p
          onProgress(p)
        },
      })
    } catch (error) {
      state.migration = undefined
      await target.kill()
      rmSync(workDir, { recursive: true, force: true })
      if (cancelled) throw new Error('migration cancelled', { cause: error })
      throw error
    }
    state.migration = undefined
    // Hand over: the target is the guest now, the source goes away.
    state.guest = target
    this.#attach(state, target)
    this.#options.registry.set(state.namespace, state.name, target)
    if (state.paused) await target.pause().catch(() => {})
    await source.kill()
    this.#changed(state)
  }

  cancelMigration(uid: string): boolean {
    const migration = this.#states.get(uid)?.migration
    if (!migration) return false
    migration.cancel()
    return true
  }

  /** Kills every guest; resolves when all processes are gone. */
  async close(): Promise<void> {
    this.#closed = true
    for (const timer of this.#timers) clearTimeout(timer)
    for (const watcher of this.#watchers) watcher.close()
    for (const next of this.#bootQueue.splice(0)) next()
    await Promise.all(
      [...this.#states.values()].map(async (state) => {
        state.stopping = true
        await state.guest?.kill()
      }),
    )
    rmSync(this.#options.workRoot, { recursive: true, force: true })
  }

  #imageChecked: boolean | undefined
  #imageExists(): boolean {
    this.#imageChecked ??=
      existsSync(join(this.#options.imageDir, 'vmlinuz')) &&
      existsSync(join(this.#options.imageDir, 'initrd.img'))
    return this.#imageChecked
  }

  #withBootSlot(run: (release: () => void) => void): void {
    const go = () => {
      this.#booting++
      let released = false
      const timer = setTimeout(() => release(), 30_000).unref() // a guest that never prints its banner
      const release = () => {
        if (released) return
        released = true
        clearTimeout(timer)
        this.#booting--
        const next = this.#bootQueue.shift()
        if (next) next()
      }
      run(release)
    }
    if (this.#booting < this.#options.maxConcurrentBoots) go()
    else this.#bootQueue.push(go)
  }

  #changed(state: GuestState): void {
    if (this.#closed) return
    this.#options.onChange(state.namespace, state.name, state.uid)
  }
}
