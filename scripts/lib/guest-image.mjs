// The guest image the simulator's QEMU guests boot (a Debian cloud kernel and a busybox
// initramfs), built into .vmdeck/guest when missing or stale; exits with the builder's message
// when it cannot be built.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ensureDebianPackages } from './apt.mjs'

export function ensureGuestImage(root, step) {
  step('checking Debian packages (QEMU and busybox for the real guests)')
  ensureDebianPackages(['qemu-system-x86', 'busybox-static', 'openssl'])
  step('building the guest image (a Debian cloud kernel and a busybox initramfs)')
  const dir = join(root, '.vmdeck/guest')
  const build = spawnSync('bash', [join(root, 'apps/cluster-sim/guest/build-guest.sh'), dir], {
    stdio: 'inherit',
  })
  if (build.status !== 0) {
    console.error('the guest image could not be built (see above); `--guests none` runs without it')
    process.exit(1)
  }
  return dir
}
