// Live migration between two QEMU processes on this host, over TCP on 127.0.0.1,
// driven through QMP. Protocol facts (QEMU 7.2): the target was started with
// `-incoming defer`; `migrate-incoming` with port 0 makes it listen on a free port,
// which its `query-migrate` reports in `socket-address`. The source's `query-migrate`
// goes setup → active → completed (or failed/cancelled); the target then runs by
// itself and the source stays paused in 'postmigrate'. A paused source migrates too (as
// libvirt migrates a paused domain for KubeVirt): QEMU carries the run state across, so the
// target comes up 'paused' and stays so until it is resumed.

/** What migration needs of a guest: a name and its QMP connection. */
export interface QmpEndpoint {
  readonly id: string
  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T>
}

export interface MigrationProgress {
  transferred: number
  remaining: number
  total: number
  /** Pages the guest dirtied per second, as QEMU last measured it (at a dirty-bitmap sync). */
  dirtyPagesRate?: number
  pageSize?: number
  /** What the link moved, in megabits (10^6) per second. */
  mbps?: number
}

export interface MigrateOptions {
  maxBandwidthBytes?: number // bytes per second
  /** QEMU's auto-converge: throttles the vCPUs while the guest dirties memory faster than it is sent. */
  autoConverge?: boolean
  onProgress?: (p: MigrationProgress) => void
  /** Completion timeout: 60 s unless given; 0 means none. The migration is cancelled after it. */
  timeoutMs?: number
  /** Progress timeout: cancelled when the data remaining has not gone down for this long (0: never, the default). */
  progressTimeoutMs?: number
}

export interface MigrationResult {
  downtimeMs?: number
  totalTimeMs?: number
  transferredBytes?: number
}

interface MigrateInfo {
  status?: string
  ram?: MigrationProgress & { 'dirty-pages-rate'?: number; 'page-size'?: number }
  downtime?: number
  'total-time'?: number
  'error-desc'?: string
  'socket-address'?: { type: string; host?: string; port?: string }[]
}

const POLL_MS = 100
/** QEMU 7.2's own default max-bandwidth (128 MiB/s): what a migration without a limit gets. */
const DEFAULT_MAX_BANDWIDTH = 128 * 2 ** 20

export async function migrate(
  source: QmpEndpoint,
  target: QmpEndpoint,
  opts: MigrateOptions = {},
): Promise<MigrationResult> {
  const before = await source.execute<{ status: string }>('query-status')
  const expected = before.status === 'paused' ? 'paused' : 'running'
  await target.execute('migrate-incoming', { uri: 'tcp:127.0.0.1:0' })
  const listening = await target.execute<MigrateInfo>('query-migrate')
  const port = listening['socket-address']?.find((a) => a.type === 'inet')?.port
  if (!port) throw new Error(`guest ${target.id}: no incoming migration port`)
  // A guest keeps its migration parameters and capabilities between migrations: all are set.
  await source.execute('migrate-set-parameters', {
    'max-bandwidth': Math.round(opts.maxBandwidthBytes ?? 0) || DEFAULT_MAX_BANDWIDTH,
  })
  await source.execute('migrate-set-capabilities', {
    capabilities: [{ capability: 'auto-converge', state: opts.autoConverge === true }],
  })
  await source.execute('migrate', { uri: `tcp:127.0.0.1:${port}` })

  const started = Date.now()
  const timeoutMs = opts.timeoutMs ?? 60_000
  const progressTimeoutMs = opts.progressTimeoutMs ?? 0
  // As virt-launcher's migration monitor: progress is data remaining going down between samples.
  let watermark = Infinity
  let lastProgress = started
  for (;;) {
    const info = await source.execute<MigrateInfo>('query-migrate')
    if (info.ram) {
      const { transferred, remaining, total, mbps } = info.ram
      opts.onProgress?.({
        transferred,
        remaining,
        total,
        ...(info.ram['dirty-pages-rate'] !== undefined
          ? { dirtyPagesRate: info.ram['dirty-pages-rate'] }
          : {}),
        ...(info.ram['page-size'] !== undefined ? { pageSize: info.ram['page-size'] } : {}),
        ...(mbps !== undefined ? { mbps } : {}),
      })
      if (remaining < watermark) lastProgress = Date.now()
      watermark = remaining
    }
    if (info.status === 'completed') {
      await waitForRunState(target, expected, 10_000)
      return {
        downtimeMs: info.downtime,
        totalTimeMs: info['total-time'],
        transferredBytes: info.ram?.transferred,
      }
    }
    if (info.status === 'failed' || info.status === 'cancelled') {
      const why = info['error-desc'] ?? 'no reason given'
      throw new Error(`migration of ${source.id} ${info.status}: ${why}`)
    }
    const now = Date.now()
    if (timeoutMs > 0 && now - started > timeoutMs) {
      await source.execute('migrate_cancel').catch(() => {})
      throw new Error(
        `Live migration is not completed after ${Math.round(timeoutMs / 1000)} seconds and has been aborted`,
      )
    }
    if (progressTimeoutMs > 0 && now - lastProgress > progressTimeoutMs) {
      await source.execute('migrate_cancel').catch(() => {})
      throw new Error(
        `Live migration stuck for ${Math.round((now - lastProgress) / 1000)} seconds and has been aborted`,
      )
    }
    await sleep(POLL_MS)
  }
}

async function waitForRunState(
  guest: QmpEndpoint,
  state: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { status } = await guest.execute<{ status: string }>('query-status')
    if (status === state) return
    if (Date.now() > deadline) throw new Error(`guest ${guest.id} is ${status}, not ${state}`)
    await sleep(50)
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
