// Boots real QEMU guests (TCG, ~3 s each): serial, VNC, QMP pause/resume, reset,
// live migration and ACPI power-off. Needs root for the first image build.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type net from 'node:net'
import { QemuGuest, killAllGuests } from './qemu-guest.ts'
import type { MigrationProgress } from './qemu-guest.ts'
import { waitForText } from './wait-for-text.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../../../..')
const imageDir = process.env.VMDECK_GUEST_DIR ?? path.join(repoRoot, '.vmdeck/guest')
const BOOT_MS = 60_000 // generous: two cores may be busy with other tests

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Types a line and resolves with the console output once `expected` shows up. */
function typeLine(serial: net.Socket, line: string, expected: string): Promise<string> {
  const seen = waitForText(serial, expected, 20_000)
  serial.write(line + '\r')
  return seen
}

describe('QemuGuest', () => {
  let workRoot = ''
  let source: QemuGuest
  let sourceSerial: net.Socket
  let target: QemuGuest

  beforeAll(() => {
    // Idempotent: ~30 ms when the image is up to date.
    execFileSync('bash', [path.join(repoRoot, 'apps/cluster-sim/guest/build-guest.sh'), imageDir], {
      stdio: 'inherit',
    })
    workRoot = mkdtempSync(path.join(os.tmpdir(), 'vmdeck-guest-'))
  }, 300_000)

  afterAll(async () => {
    await Promise.all([source?.kill(), target?.kill()])
    killAllGuests()
    if (workRoot) rmSync(workRoot, { recursive: true, force: true })
  })

  it("fails with QEMU's own message when QEMU cannot start", async () => {
    const workDir = path.join(workRoot, 'bad')
    await expect(QemuGuest.start({ id: 'bad', workDir, imageDir, cpus: 9999 })).rejects.toThrow(
      /did not start: .*Invalid SMP CPUs 9999/,
    )
    await expect(QemuGuest.start({ id: 'bad id', workDir, imageDir })).rejects.toThrow(
      /invalid guest id/,
    )
  })

  it(
    'boots to its banner and answers typed commands on the serial console',
    async () => {
      source = await QemuGuest.start({
        id: 'src',
        workDir: path.join(workRoot, 'src'),
        imageDir,
        hostname: 'vm-a',
      })
      sourceSerial = source.connectSerial()
      await waitForText(sourceSerial, 'vmdeck guest vm-a ready', BOOT_MS)
      const out = await typeLine(sourceSerial, 'echo hello-$((6*7))', 'hello-42')
      expect(out).toContain('hello-42')
    },
    BOOT_MS,
  )

  it('serves VNC (RFB 3.8) on its unix socket', async () => {
    const vnc = source.connectVnc()
    const greeting = await waitForText(vnc, '\n', 5000)
    vnc.destroy()
    expect(greeting).toBe('RFB 003.008\n')
  })

  it('pauses and resumes through QMP', async () => {
    const stopped = source.waitForEvent('STOP', 5000)
    await source.pause()
    await stopped
    expect((await source.stats()).status).toBe('paused')

    const resumed = source.waitForEvent('RESUME', 5000)
    await source.resume()
    await resumed
    expect((await source.stats()).status).toBe('running')
    await typeLine(sourceSerial, 'echo awake-$((1+1))', 'awake-2')
  })

  it('reports CPU time and RSS', async () => {
    const stats = await source.stats()
    expect(stats.pid).toBe(source.pid)
    expect(stats.cpuSeconds).toBeGreaterThan(0)
    expect(stats.rssBytes).toBeGreaterThan(32 * 1024 * 1024)
    expect(stats.memoryBytes).toBe(96 * 1024 * 1024)
    expect(stats.block).toEqual([])
  })

  it(
    'reboots on reset',
    async () => {
      const reset = source.waitForEvent('RESET', 5000)
      const banner = waitForText(sourceSerial, 'vmdeck guest vm-a ready', BOOT_MS)
      await source.reset()
      await reset
      await banner
      await typeLine(sourceSerial, 'echo again-$((3*3))', 'again-9')
    },
    BOOT_MS,
  )

  it(
    'live-migrates to a second guest whose console then answers',
    async () => {
      target = await QemuGuest.start({
        ...source.options,
        id: 'dst',
        workDir: path.join(workRoot, 'dst'),
        incoming: true,
      })
      expect((await target.stats()).status).toBe('inmigrate')
      const progress: MigrationProgress[] = []
      const result = await source.migrateTo(target, { onProgress: (p) => progress.push(p) })

      expect(result.downtimeMs).toBeGreaterThanOrEqual(0)
      expect(result.transferredBytes).toBeGreaterThan(0)
      expect(progress.length).toBeGreaterThan(0)
      expect((await source.stats()).status).toBe('postmigrate')
      expect((await target.stats()).status).toBe('running')

      const serial = target.connectSerial()
      const out = await typeLine(serial, 'echo moved-$((6*7)); hostname', 'moved-42')
      expect(out).toContain('moved-42')
      serial.destroy()

      await source.kill()
      expect(source.running).toBe(false)
      expect(isAlive(source.pid)).toBe(false)
    },
    BOOT_MS,
  )

  it(
    'live-migrates a paused guest, which stays paused on the target until resumed',
    async () => {
      const paused = await QemuGuest.start({
        ...source.options,
        id: 'paused-src',
        workDir: path.join(workRoot, 'paused-src'),
      })
      const pausedTarget = await QemuGuest.start({
        ...source.options,
        id: 'paused-dst',
        workDir: path.join(workRoot, 'paused-dst'),
        incoming: true,
      })
      try {
        await paused.pause()
        expect((await paused.stats()).status).toBe('paused')
        const result = await paused.migrateTo(pausedTarget)
        expect(result.transferredBytes).toBeGreaterThan(0)
        expect((await pausedTarget.stats()).status).toBe('paused')
        const resumed = pausedTarget.waitForEvent('RESUME', 5000)
        await pausedTarget.resume()
        await resumed
        expect((await pausedTarget.stats()).status).toBe('running')
      } finally {
        await Promise.all([paused.kill(), pausedTarget.kill()])
      }
    },
    BOOT_MS,
  )

  it('powers off on an ACPI power-button press', async () => {
    const shutdown = new Promise((resolve) => target.once('shutdown', resolve))
    await target.powerdown()
    expect(await shutdown).toBe('guest-shutdown')
    const exit = await target.waitForExit(10_000)
    expect(exit.code).toBe(0)
    expect(isAlive(target.pid)).toBe(false)
  }, 20_000)
})
