// Builds the QEMU command line of one guest. A migration target must get the same
// arguments as its source (same memory, cpus, devices), plus `incoming`.

export interface GuestPaths {
  qmp: string
  vnc: string
  serial: string
  serialLog: string
}

export interface QemuArgsInput {
  id: string
  kernel: string
  initrd: string
  paths: GuestPaths
  memoryMiB: number
  cpus: number
  hostname: string
  incoming: boolean
}

export function qemuArgs(a: QemuArgsInput): string[] {
  // prettier-ignore
  const args = [
    '-name', `${a.id},process=vmdeck-${a.id}`,
    '-nodefaults', '-no-user-config',
    // KVM is present but does not work on these machines; tb-size=32 keeps TCG's code cache (and RSS) small.
    '-accel', 'tcg,tb-size=32',
    '-m', String(a.memoryMiB),
    '-smp', String(a.cpus),
    '-nic', 'none',
    '-vga', 'std', // text mode 720x400 on VNC
    '-display', 'none',
    '-vnc', `unix:${esc(a.paths.vnc)}`,
    // The chardev keeps a log too, so output written while nobody is connected is not lost.
    '-chardev', `socket,id=serial0,path=${esc(a.paths.serial)},server=on,wait=off,logfile=${esc(a.paths.serialLog)},logappend=on`,
    '-serial', 'chardev:serial0',
    '-qmp', `unix:${esc(a.paths.qmp)},server=on,wait=off`,
    '-kernel', a.kernel,
    '-initrd', a.initrd,
    '-append', `console=tty0 console=ttyS0,115200 quiet nokaslr vmdeck.hostname=${a.hostname}`,
  ]
  // `defer`: the listening address is chosen later with migrate-incoming (port 0 = any free port).
  if (a.incoming) args.push('-incoming', 'defer')
  return args
}

/** QEMU option values are comma-separated; a literal comma is written twice. */
function esc(value: string): string {
  return value.replaceAll(',', ',,')
}
