// Debian packages the project needs, installed through apt-get only when missing.
import { spawnSync } from 'node:child_process'

const installed = (pkg) =>
  spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes(
    'install ok installed',
  )

/** Installs the missing ones of `packages` (apt-get update once first), without recommends. */
export function ensureDebianPackages(packages, log = console.log) {
  const missing = packages.filter((pkg) => !installed(pkg))
  if (missing.length === 0) return
  const sudo = process.getuid?.() === 0 ? [] : ['sudo']
  log(`installing Debian packages: ${missing.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const run = (args) => {
    const result = spawnSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), {
      stdio: 'inherit',
      env,
    })
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${result.status})`)
  }
  run(['apt-get', 'update', '-qq'])
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing])
}
