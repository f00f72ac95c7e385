// Spawns guest processes so that none outlives this Node process.
// Node cannot call prctl(2), so a one-line perl program (perl-base is essential on
// Debian) sets it up and then execs QEMU, keeping the same pid:
//  - PR_SET_PDEATHSIG(SIGKILL): the kernel kills QEMU when our spawning thread dies,
//    even on SIGKILL of Node, where no 'exit' handler runs;
//  - PR_SET_THP_DISABLE: transparent huge pages inflate each guest's RSS by ~40 MiB.
// Guests must therefore be spawned from the main thread (the death signal follows the thread).
import { spawn } from 'node:child_process'
import type { ChildProcess, SpawnOptions } from 'node:child_process'

const PR_SET_PDEATHSIG = 1
const PR_SET_THP_DISABLE = 41
const SIGKILL = 9
const PRCTL_SYSCALL: Partial<Record<string, number>> = { x64: 157, arm64: 167 }

const live = new Set<ChildProcess>()
let exitHookInstalled = false

export function spawnGuarded(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const nr = PRCTL_SYSCALL[process.arch]
  const child =
    nr === undefined
      ? spawn(command, args, options)
      : spawn('perl', ['-e', guardScript(nr), String(process.pid), command, ...args], options)
  live.add(child)
  child.once('exit', () => live.delete(child))
  child.once('error', () => live.delete(child))
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', killAllGuests)
  }
  return child
}

/** SIGKILLs every guest process still running. Synchronous, so safe in a process 'exit' handler. */
export function killAllGuests(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

function guardScript(nr: number): string {
  return [
    `syscall(${nr}, ${PR_SET_PDEATHSIG}, ${SIGKILL}, 0, 0, 0) == 0 or die "prctl: $!";`,
    'exit 1 if getppid() != shift;', // the parent died before the death signal was armed
    `syscall(${nr}, ${PR_SET_THP_DISABLE}, 1, 0, 0, 0);`, // best effort
    'exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!";',
  ].join(' ')
}
