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
}

export interface MigrateOptions {
  maxBandwidthBytes?: number // bytes per second
  onProgress?: (p: MigrationProgress) => void
  timeoutMs?: number // 60 s, then the migration is cancelled
}

export interface MigrationResult {
  downtimeMs?: number
  totalTimeMs?: number
  transferredBytes?: number
}

interface MigrateInfo {
  status?: string
  ram?: MigrationProgress
  downtime?: number
  'total-time'?: number
  'error-desc'?: string
  'socket-address'?: { type: string; host?: string; port?: string }[]
}

const POLL_MS = 100

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
  if (opts.maxBandwidthBytes) {
    const maxBandwidth = Math.round(opts.maxBandwidthBytes)
    await source.execute('migrate-set-parameters', { 'max-bandwidth': maxBandwidth })
  }
  await source.execute('migrate', { uri: `tcp:127.0.0.1:${port}` })

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
  for (;;) {
    const info = await source.execute<MigrateInfo>('query-migrate')
    if (info.ram) {
      const { transferred, remaining, total } = info.ram
      opts.onProgress?.({ transferred, remaining, total })
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
    if (Date.now() > deadline) {
      await source.execute('migrate_cancel').catch(() => {})
      throw new Error(`migration of ${source.id} timed out (status ${info.status})`)
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
