// CPU time and resident memory of a process, from /proc (Linux only).
import { readFile } from 'node:fs/promises'

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux x86/arm build.
const CLOCK_TICKS_PER_SECOND = 100

export interface ProcStats {
  cpuSeconds: number
  rssBytes: number
}

export async function readProcStats(pid: number): Promise<ProcStats> {
  const [stat, status] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8'),
    readFile(`/proc/${pid}/status`, 'utf8'),
  ])
  // Field 2 (comm) may contain spaces and parentheses: split after the last ')'.
  // The rest starts at field 3 (state); utime and stime are fields 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(rest[14 - 3]) + Number(rest[15 - 3])
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0)
  return { cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, rssBytes: rssKiB * 1024 }
}
